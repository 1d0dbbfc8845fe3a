"""Passwords are hashed with Django's Argon2 at its full cost, on threads the kernel serves after
the pages (participants/hashers.py)."""

import os
import threading

from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
)

from participants.hashers import LOGIN_NICENESS, LowPriorityArgon2PasswordHasher, hashing_pool


def test_it_is_the_hasher_in_use_with_djangos_argon2_costs():
    hasher = get_hasher()
    assert isinstance(hasher, LowPriorityArgon2PasswordHasher)
    stock = Argon2PasswordHasher()
    assert (hasher.algorithm, hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        stock.algorithm, stock.time_cost, stock.memory_cost, stock.parallelism,
    )  # fmt: skip
    encoded = make_password("kata sandi panjang")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert "m=102400,t=2,p=8" in encoded


def test_hashes_verify_across_the_stock_and_the_low_priority_hasher():
    stock = Argon2PasswordHasher()
    ours = LowPriorityArgon2PasswordHasher()
    by_stock = stock.encode("kata sandi panjang", stock.salt())
    by_ours = ours.encode("kata sandi panjang", ours.salt())
    assert ours.verify("kata sandi panjang", by_stock) is True
    assert stock.verify("kata sandi panjang", by_ours) is True
    assert ours.verify("kata sandi salah", by_stock) is False
    assert check_password("kata sandi panjang", by_stock) is True


def test_hashing_threads_run_below_the_callers_priority():
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def priority():
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert hashing_pool().submit(priority).result() == max(mine, LOGIN_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine
