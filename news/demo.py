"""Demo news for `seed_demo`: a few published articles in both languages (idempotent).

Keyed by slug: the texts are brought up to date on every run, the publish time is set once,
so running the seed again changes nothing.
"""

import datetime

from .models import Article, ArticleCategory

# slug, category slug, days ago, title, title_en, summary, summary_en, body, body_en
ARTICLES = [
    (
        "jadwal-layanan-akhir-tahun-2026", "pengumuman", 2,
        "Jadwal layanan kantor cabang akhir tahun 2026",
        "Branch office hours at the end of 2026",
        "Kantor cabang tutup pada 24, 25 Desember 2026 dan 1 Januari 2027. KCP Majalaya juga "
        "tutup pada 30 Desember.",
        "Branch offices are closed on 24 and 25 December 2026 and 1 January 2027. KCP Majalaya "
        "is also closed on 30 December.",
        "Semua kantor cabang BPJS Ketenagakerjaan di Kabupaten Bandung tutup pada 24 Desember "
        "(cuti bersama Natal), 25 Desember (Hari Raya Natal) dan 1 Januari 2027 (Tahun Baru).\n\n"
        "KCP Majalaya tutup pada 30 Desember 2026 karena pemeliharaan gedung. Janji temu pada "
        "hari itu bisa dipindahkan ke KCP Soreang atau KCP Baleendah dari halaman janji temu.\n\n"
        "Layanan portal tetap bisa dipakai setiap hari: cek saldo, perbarui data, ajukan klaim "
        "dan pengaduan.",
        "All BPJS Ketenagakerjaan branch offices in Kabupaten Bandung are closed on 24 December "
        "(Christmas leave), 25 December (Christmas Day) and 1 January 2027 (New Year).\n\n"
        "KCP Majalaya is closed on 30 December 2026 for building maintenance. Appointments on "
        "that day can be moved to KCP Soreang or KCP Baleendah from the appointment page.\n\n"
        "The portal stays open every day: check your balance, update your data, file claims "
        "and complaints.",
    ),
    (
        "waspada-penipuan-atas-nama-bpjs", "pengumuman", 6,
        "Waspada penipuan atas nama BPJS Ketenagakerjaan",
        "Beware of fraud in the name of BPJS Ketenagakerjaan",
        "Petugas tidak pernah meminta kata sandi, kode masuk, atau uang untuk mencairkan JHT.",
        "Staff never ask for your password, your login code or money to pay out your JHT.",
        "Ada pesan WhatsApp dan telepon yang menawarkan bantuan mencairkan JHT dengan imbalan "
        "uang. Itu penipuan. Semua layanan BPJS Ketenagakerjaan gratis.\n\n"
        "Jangan pernah memberikan kata sandi, kode enam angka dari email atau SMS, atau foto "
        "KTP kepada orang yang menghubungi Anda. Ajukan klaim hanya lewat portal ini, aplikasi "
        "JMO, atau di kantor cabang.\n\n"
        "Menerima pesan seperti itu? Laporkan lewat menu Bantuan, pilih masalah lain-lain.",
        "There are WhatsApp messages and calls offering help to pay out your JHT for a fee. "
        "That is fraud. Every BPJS Ketenagakerjaan service is free.\n\n"
        "Never give your password, the six-digit code from an e-mail or text message, or a "
        "photo of your KTP to someone who contacts you. File claims only in this portal, the "
        "JMO app or at a branch office.\n\n"
        "Received such a message? Report it through Help, choosing another problem.",
    ),
    (
        "iuran-dibayar-paling-lambat-tanggal-15", "layanan", 12,
        "Iuran dibayar paling lambat tanggal 15 bulan berikutnya",
        "Contributions are due by the 15th of the following month",
        "Karena itu iuran sebuah bulan biasanya baru tampil di saldo pada bulan berikutnya.",
        "That is why a month's contribution usually shows in your balance the month after.",
        "Perusahaan membayar iuran pekerja penerima upah (PU) paling lambat tanggal 15 bulan "
        "berikutnya. Iuran November, misalnya, dibayar paling lambat 15 Desember.\n\n"
        "Setelah dibayar, iuran tampil di Cek saldo, per kartu KPJ dan per bulan. Jika iuran "
        "belum tampil lebih dari dua bulan, tanyakan ke perusahaan atau ajukan pengaduan.\n\n"
        "Peserta bukan penerima upah (BPU) membayar sendiri. Terlambat membayar bisa membuat "
        "kepesertaan nonaktif, jadi bayarlah tepat waktu.",
        "Employers pay the contributions of wage earners (PU) by the 15th of the following "
        "month. November's contribution, for example, is due by 15 December.\n\n"
        "Once paid, it shows under Check balance, per KPJ card and per month. If a "
        "contribution has not shown for more than two months, ask your employer or file a "
        "complaint.\n\n"
        "Non-wage earners (BPU) pay their own. Paying late can make the membership non-active, "
        "so pay on time.",
    ),
    (
        "keringanan-iuran-jkk-padat-karya", "program", 20,
        "Keringanan iuran JKK untuk industri padat karya",
        "JKK contribution relief for labour-intensive industries",
        "Perusahaan padat karya dengan paling sedikit 50 pekerja membayar separuh tarif JKK "
        "sampai Januari 2026.",
        "Labour-intensive employers with at least 50 workers pay half the JKK rate until "
        "January 2026.",
        "PP 7/2025 memotong tarif iuran JKK sebesar 50 % untuk industri padat karya tertentu "
        "dengan paling sedikit 50 pekerja, mulai Februari 2025. PP 36/2025 memperpanjangnya "
        "sampai Januari 2026.\n\n"
        "Perlindungan pekerja tetap sama: yang berubah hanya iuran yang dibayar perusahaan. "
        "Hitung sendiri dengan Simulasi iuran: centang keringanan JKK untuk melihat "
        "bedanya.",
        "PP 7/2025 cuts the JKK contribution rate by 50 % for certain labour-intensive "
        "industries with at least 50 workers, from February 2025. PP 36/2025 extends it to "
        "January 2026.\n\n"
        "Workers stay covered exactly as before: only the contribution the employer pays "
        "changes. Work it out with the contribution simulator: tick the JKK relief to see the "
        "difference.",
    ),
    (
        "hubungkan-semua-kartu-kpj", "layanan", 30,
        "Pindah kerja? Hubungkan semua kartu KPJ Anda",
        "Changed jobs? Link all your KPJ cards",
        "Satu akun untuk satu NIK: saldo dari semua kartu tampil bersama setelah "
        "dihubungkan.",
        "One account per NIK: the balances of all your cards show together once linked.",
        "Banyak peserta punya lebih dari satu nomor KPJ karena pernah bekerja di beberapa "
        "perusahaan. Saldo di kartu lama tetap milik Anda.\n\n"
        "Anda tidak perlu membuat akun kedua. Tambahkan kartu lain di halaman Kartu saya. "
        "Panduan Menghubungkan kartu KPJ lain menjelaskan langkahnya satu per satu.",
        "Many members have more than one KPJ number because they worked for several "
        "employers. The balance on an old card is still yours.\n\n"
        "You do not need a second account. Add the other cards on the My cards page. The guide "
        "Link another KPJ card shows each step.",
    ),
]  # fmt: skip


def seed_news_articles(*, now: datetime.datetime) -> list[Article]:
    categories = {category.slug: category for category in ArticleCategory.objects.all()}
    articles = []
    for (slug, category, days_ago, title, title_en, summary, summary_en, body,
         body_en) in ARTICLES:  # fmt: skip
        article, _ = Article.objects.update_or_create(
            slug=slug,
            defaults={
                "category": categories[category],
                "title": title,
                "title_en": title_en,
                "summary": summary,
                "summary_en": summary_en,
                "body": body,
                "body_en": body_en,
            },
            create_defaults={
                "category": categories[category],
                "title": title,
                "title_en": title_en,
                "summary": summary,
                "summary_en": summary_en,
                "body": body,
                "body_en": body_en,
                "publish_at": now - datetime.timedelta(days=days_ago),
            },
        )
        articles.append(article)
    return articles
