"""The doors write only through services (STYLE.md §3, DESIGN.md "Three doors, one core").

Every `views.py`, `apis.py`, `*_apis.py`, `*_views.py`, `feeds.py` and `admin.py` of a product
app (a top-level package with an `apps.py`), and every module of a `views/`, `apis/` or
`admin/` package in one, is parsed (no import, no database) and these calls fail the test:

1. `.create(`, `.get_or_create(`, `.update_or_create(`, `.bulk_create(`, `.bulk_update(` on
   anything: the names are the ORM's (managers, related managers, querysets) and nothing
   else in a door uses them.
2. `.update(` and `.delete(` on a queryset: a receiver that goes through `.objects` or
   `._default_manager`, through a queryset method (`filter`, `exclude`, `all`, ...), or is
   named `queryset`/`qs` (what Django passes an admin action). `dict.update(...)` and
   `cache.delete(key)` are not querysets and pass.
3. `.delete()` without positional arguments on anything: a model instance's delete.
   (`default_storage.delete(name)`/`cache.delete(key)` take the name and write no row.)
4. `.save(` on anything, with one exception: in a view or API module, the `save()` of a
   form (a receiver named `form` or ending in `form`, e.g. `form.save(actor=request.user)`),
   which is the form's workflow method calling a service, as Django's PasswordResetForm
   does. That is sound because no `forms.py` defines a ModelForm (checked below). In an
   admin module every `.save(` counts: the ModelAdmin saves its own form.

Not a call in our code, so not checked: what Django's ModelAdmin does itself (the default
`save_model`, `delete_model`, `save_formset`, `save_related`, `delete_queryset` of plain
reference-data admins such as rule tables and FAQ). An override of those hooks may call
`super().<hook>(...)`, which is that same Django write; anything else it writes goes
through a service. Related-manager `add`/`remove`/`set`/`clear` are not checked: the names
are too common on sets and lists to tell apart without types (no door uses them today).
There are no per-module exceptions: a violation is fixed by moving the write into the
app's services.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOOR_FILES = {"views.py", "apis.py", "admin.py", "feeds.py"}
DOOR_SUFFIXES = ("_apis.py", "_views.py")
DOOR_PACKAGES = {"views", "apis", "admin"}
ANY_RECEIVER_WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}
QUERYSET_WRITES = {"update", "delete"}
MANAGERS = {"objects", "_default_manager"}
QUERYSET_METHODS = {
    "all", "filter", "exclude", "select_related", "prefetch_related", "order_by", "distinct",
    "select_for_update", "only", "defer", "annotate", "none", "using", "get_queryset",
}  # fmt: skip
QUERYSET_NAMES = {"queryset", "qs"}


def product_apps() -> list[Path]:
    return sorted(path.parent for path in ROOT.glob("*/apps.py"))


def is_door(path: Path, app: Path) -> bool:
    inside = path.relative_to(app).parts
    return (
        path.name in DOOR_FILES
        or path.name.endswith(DOOR_SUFFIXES)
        or (len(inside) > 1 and inside[0] in DOOR_PACKAGES)
    )


def is_admin(path: Path) -> bool:
    return path.name == "admin.py" or "admin" in path.relative_to(ROOT).parts[1:-1]


def door_modules() -> list[Path]:
    return sorted(
        path
        for app in product_apps()
        for path in app.rglob("*.py")
        if "migrations" not in path.parts and is_door(path, app)
    )


def _is_queryset(node: ast.expr) -> bool:
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS:
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in QUERYSET_METHODS:
                return True
            node = func
        elif isinstance(node, ast.Name):
            return node.id in QUERYSET_NAMES
        else:
            return False


def _is_form(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "form" or name.endswith("_form")


def writes_in(source: str, *, admin: bool) -> list[tuple[int, str]]:
    """(line, call) for each write the rules above forbid in a door module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        forbidden = (
            method in ANY_RECEIVER_WRITES
            or (method in QUERYSET_WRITES and _is_queryset(receiver))
            or (method == "delete" and not node.args)
            or (method == "save" and (admin or not _is_form(receiver)))
        )
        if forbidden:
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def model_forms_in(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                if name == "ModelForm":
                    found.append((node.lineno, node.name))
    return found


def test_the_doors_are_found():
    """A renamed layout would make the check below pass on nothing."""
    doors = {str(path.relative_to(ROOT)) for path in door_modules()}
    assert {
        "claims/views.py", "claims/apis.py", "claims/admin.py", "partners/contribution_apis.py",
        "participants/admin.py", "news/feeds.py",
    } <= doors  # fmt: skip
    assert not any("migrations" in door or door.startswith("tests/") for door in doors)


def test_views_apis_and_admin_write_only_through_services():
    violations = [
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for path in door_modules()
        for line, call in writes_in(path.read_text(), admin=is_admin(path))
    ]
    assert violations == [], "Move these writes into the app's services:\n" + "\n".join(violations)


def test_forms_define_no_model_forms():
    """What lets a view call `form.save(...)`: the form's save is ours and calls a service."""
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for app in product_apps()
        for path in [app / "forms.py", *sorted((app / "forms").glob("*.py"))]
        if path.exists()
        for line, name in model_forms_in(path.read_text())
    ]
    assert found == []


FORBIDDEN = """
def door(request, queryset, claim, participant):
    Claim.objects.create(participant=participant)
    Claim.objects.get_or_create(participant=participant)
    Claim.objects.update_or_create(participant=participant)
    Claim.objects.bulk_create([])
    Claim.objects.bulk_update([], ["status"])
    claim.events.create(to_status="submitted")
    Claim.objects.filter(pk=1).update(status="paid")
    Claim.objects.filter(pk=1).delete()
    Claim._default_manager.update(status="paid")
    queryset.update(status="paid")
    queryset.filter(status="draft").delete()
    claim.save()
    claim.save(update_fields=["status"])
    Claim(participant=participant).save()
    claim.delete()
    serializer.save()
"""


def test_the_check_flags_every_kind_of_write():
    expected = [n for n, text in enumerate(FORBIDDEN.splitlines(), 1) if text.startswith("    ")]
    assert len(expected) == 16
    assert [line for line, _call in writes_in(FORBIDDEN, admin=False)] == expected


def test_a_forms_save_passes_in_a_view_but_not_in_an_admin_module():
    source = "def door(request, form, booking_form):\n    form.save()\n    booking_form.save()\n"
    assert writes_in(source, admin=False) == []
    assert writes_in(source, admin=True) == [(2, "form.save()"), (3, "booking_form.save()")]


def test_the_check_lets_reads_services_and_djangos_own_hooks_through():
    allowed = """
def door(request, queryset, claim):
    context = {}
    context.update(title="x")
    cache.delete("key")
    default_storage.delete(name)
    services.claim_transition(claim=claim, to_status="paid", actor=request.user)
    Claim.objects.filter(pk=1).exists()
    queryset.select_related("participant")

class ArticleAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        obj.author = request.user
        super().save_model(request, obj, form, change)
"""
    assert writes_in(allowed, admin=False) == []
    assert writes_in(allowed, admin=True) == []


def test_the_form_check_flags_a_model_form():
    source = "class A(forms.ModelForm):\n    pass\n\nclass B(ModelForm):\n    pass\n"
    assert model_forms_in(source) == [(1, "A"), (4, "B")]
