"""Guides (panduan) for each portal task, FAQ and article categories: real content, both languages.

Staff edit them afterwards in the admin; this migration only creates what is missing
(keyed by slug / question), so it never overwrites their edits.
Steps are written in plain Bahasa Indonesia first; the pictures are small SVGs in static/guides/.
"""

from django.db import migrations

CATEGORIES = [
    ("pengumuman", "Pengumuman", "Announcements", 1),
    ("layanan", "Layanan", "Services", 2),
    ("program", "Program", "Programmes", 3),
]

# (slug, task, order, title, title_en, summary, summary_en, picture,
#  [(step, step_en)], [(question, question_en, [(answer, answer_en, correct)])])
GUIDES = [
    (
        "register", "register", 1,
        "Mendaftar akun portal", "Register for a portal account",
        "Buat akun dengan NIK dan nomor KPJ Anda, lalu konfirmasi email.",
        "Create an account with your NIK and KPJ number, then confirm your e-mail.",
        "guides/register.svg",
        [
            ("Siapkan KTP (untuk NIK 16 digit), kartu peserta BPJS Ketenagakerjaan (untuk nomor KPJ 11 digit) dan alamat email yang masih aktif.",
             "Have your KTP (for the 16-digit NIK), your BPJS Ketenagakerjaan membership card (for the 11-digit KPJ number) and an e-mail address you use."),
            ("Buka portal dan pilih \"Daftar\" di menu atas.",
             "Open the portal and choose \"Register\" in the top menu."),
            ("Isi NIK, nomor KPJ, nama lengkap persis seperti di KTP, tanggal lahir, email, dan kata sandi (minimal 10 karakter) dua kali. Tekan \"Daftar\". Jika ada yang tidak cocok, portal memberi tahu kolom mana yang perlu diperiksa.",
             "Fill in your NIK, KPJ number, full name exactly as on your KTP, birth date, e-mail and a password (at least 10 characters) twice. Press \"Register\". If something does not match, the portal tells you which field to check."),
            ("Buka email Anda dan cari pesan dari JMO Portal. Klik tautan konfirmasi di dalamnya. Tidak ada? Periksa folder spam atau promosi.",
             "Open your e-mail and look for the message from JMO Portal. Click the confirmation link in it. Not there? Check the spam or promotions folder."),
            ("Di halaman konfirmasi tekan \"Konfirmasi\", lalu masuk dengan email dan kata sandi Anda.",
             "On the confirmation page press \"Confirm\", then log in with your e-mail and password."),
        ],
        [
            ("Apa yang Anda perlukan untuk mendaftar?", "What do you need to register?", [
                ("NIK dan nomor KPJ", "Your NIK and KPJ number", True),
                ("Nomor rekening bank saja", "Only a bank account number", False),
                ("Foto selfie", "A selfie photo", False),
            ]),
            ("Berapa digit nomor KPJ?", "How many digits does a KPJ number have?", [
                ("11 digit", "11 digits", True),
                ("16 digit", "16 digits", False),
                ("8 digit", "8 digits", False),
            ]),
            ("Email konfirmasi tidak ada di kotak masuk. Apa yang Anda lakukan?", "The confirmation e-mail is not in your inbox. What do you do?", [
                ("Memeriksa folder spam atau promosi", "Check the spam or promotions folder", True),
                ("Mendaftar lagi dengan NIK lain", "Register again with another NIK", False),
                ("Menunggu satu bulan", "Wait a month", False),
            ]),
        ],
    ),
    (
        "link-kpj", "link_kpj", 2,
        "Menghubungkan kartu KPJ lain", "Link another KPJ card",
        "Pindah kerja? Tambahkan kartu KPJ baru agar semua saldo tampil bersama.",
        "Changed jobs? Add the new KPJ card so all your balances show together.",
        "guides/link-kpj.svg",
        [
            ("Setiap kali Anda bekerja di perusahaan baru, Anda bisa mendapat nomor KPJ baru. Saldo di kartu lama tetap milik Anda. Anda tidak perlu membuat akun kedua.",
             "Each new employer can give you a new KPJ number. The balance on the old card is still yours. You do not need a second account."),
            ("Masuk ke portal dan buka \"Dasbor saya\".",
             "Log in to the portal and open \"My dashboard\"."),
            ("Pilih \"Kartu saya\", lalu \"Tambah kartu KPJ\".",
             "Choose \"My cards\", then \"Add a KPJ card\"."),
            ("Masukkan nomor KPJ 11 digit dari kartu yang lain. Nomor ada di kartu peserta, atau tanyakan ke bagian HRD perusahaan.",
             "Enter the 11-digit KPJ number of the other card. It is printed on the membership card, or ask your employer's HR department."),
            ("Setelah terhubung, saldo semua kartu tampil bersama di dasbor. Jika nomor ditolak, kartu itu mungkin terdaftar dengan data berbeda: ajukan pengaduan \"Saldo tidak muncul\".",
             "Once linked, the balances of all cards show together on the dashboard. If the number is refused, that card may be registered with different data: file a \"balance missing\" complaint."),
        ],
        [
            ("Anda pindah kerja dan saldo dari kartu baru tidak muncul. Apa sebabnya?", "You changed jobs and the new card's balance does not show. Why?", [
                ("Kartu KPJ baru belum dihubungkan ke akun", "The new KPJ card is not linked to the account yet", True),
                ("Saldo Anda hilang", "Your balance is lost", False),
                ("Akun Anda diblokir", "Your account is blocked", False),
            ]),
            ("Apakah dua nomor KPJ berarti dua akun?", "Do two KPJ numbers mean two accounts?", [
                ("Tidak, satu akun bisa memiliki beberapa kartu", "No, one account can hold several cards", True),
                ("Ya, setiap kartu perlu akun sendiri", "Yes, every card needs its own account", False),
            ]),
            ("Di mana Anda menemukan nomor KPJ?", "Where do you find a KPJ number?", [
                ("Di kartu peserta atau dari HRD perusahaan", "On the membership card or from your employer's HR", True),
                ("Di KTP", "On your KTP", False),
                ("Di buku tabungan", "In your bank book", False),
            ]),
        ],
    ),
    (
        "check-balance", "check_balance", 3,
        "Melihat saldo JHT", "Check your JHT balance",
        "Lihat saldo Jaminan Hari Tua dan rinciannya di dasbor.",
        "See your old-age savings (JHT) balance and its details on the dashboard.",
        "guides/check-balance.svg",
        [
            ("Masuk ke portal.", "Log in to the portal."),
            ("Di \"Dasbor saya\", lihat kotak \"Saldo JHT\". Saldo adalah iuran Anda dan perusahaan ditambah hasil pengembangan, dari semua kartu KPJ yang terhubung.",
             "On \"My dashboard\", look at the \"JHT balance\" box. The balance is your and your employer's contributions plus returns, for all linked KPJ cards."),
            ("Pilih saldo untuk melihat rincian: iuran terakhir, status kepesertaan, dan program yang Anda ikuti.",
             "Choose the balance to see the details: the last contribution, your membership status and your programmes."),
            ("Iuran bulan ini biasanya baru tampil bulan berikutnya. Jika saldo kartu lama tidak ada, hubungkan kartu itu (lihat panduan \"Menghubungkan kartu KPJ lain\").",
             "This month's contribution usually shows next month. If an old card's balance is missing, link that card (see the guide \"Link another KPJ card\")."),
        ],
        [
            ("Kapan iuran bulan ini biasanya tampil di saldo?", "When does this month's contribution usually show in the balance?", [
                ("Bulan berikutnya", "Next month", True),
                ("Hari yang sama", "The same day", False),
                ("Satu tahun kemudian", "A year later", False),
            ]),
            ("Saldo kartu lama Anda tidak tampil. Apa langkah pertama?", "Your old card's balance does not show. What is the first step?", [
                ("Menghubungkan kartu lama ke akun", "Link the old card to the account", True),
                ("Membuat akun baru", "Create a new account", False),
                ("Mengajukan klaim", "File a claim", False),
            ]),
            ("Dari mana saldo JHT berasal?", "Where does the JHT balance come from?", [
                ("Iuran pekerja dan perusahaan ditambah hasil pengembangan", "Worker and employer contributions plus returns", True),
                ("Hanya dari pemerintah", "Only from the government", False),
            ]),
        ],
    ),
    (
        "update-data", "update_data", 4,
        "Memperbarui data (pengkinian data)", "Update your data",
        "Perbarui alamat, kontak dan data keluarga dengan foto dokumen yang jelas.",
        "Update your address, contact and family data with clear photos of your documents.",
        "guides/update-data.svg",
        [
            ("Siapkan KTP dan Kartu Keluarga (KK). Foto harus jelas: cahaya cukup, tidak buram, semua sudut dokumen terlihat.",
             "Have your KTP and family card (KK) ready. Photos must be clear: enough light, not blurred, all corners of the document visible."),
            ("Masuk ke portal, buka \"Dasbor saya\", lalu pilih \"Perbarui data\".",
             "Log in, open \"My dashboard\" and choose \"Update my data\"."),
            ("Periksa data Anda. Ubah yang salah atau sudah berubah: alamat, nomor telepon, email, data keluarga, kontak darurat. Nama dan tanggal lahir harus sama dengan KTP.",
             "Check your data. Change what is wrong or has changed: address, phone, e-mail, family data, emergency contact. Name and birth date must match your KTP."),
            ("Unggah foto dokumen pendukung, lalu tekan \"Kirim\".",
             "Upload photos of the supporting documents, then press \"Send\"."),
            ("Petugas cabang memeriksa permintaan Anda. Anda mendapat email saat disetujui, atau jika ada yang perlu diperbaiki.",
             "Branch staff check your request. You get an e-mail when it is approved, or when something needs fixing."),
        ],
        [
            ("Dokumen apa yang perlu disiapkan?", "Which documents do you need?", [
                ("KTP dan Kartu Keluarga", "KTP and family card (KK)", True),
                ("Ijazah sekolah", "School certificate", False),
                ("SIM", "Driving licence", False),
            ]),
            ("Permintaan Anda ditolak karena foto buram. Apa yang Anda lakukan?", "Your request was refused because a photo was blurred. What do you do?", [
                ("Memotret ulang dengan cahaya cukup dan mengirim lagi", "Take the photo again in good light and send again", True),
                ("Membuat akun baru", "Create a new account", False),
                ("Menunggu sampai disetujui sendiri", "Wait until it is approved anyway", False),
            ]),
            ("Siapa yang memeriksa permintaan perubahan data?", "Who checks a data update request?", [
                ("Petugas cabang BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan branch staff", True),
                ("Perusahaan tempat Anda bekerja", "Your employer", False),
            ]),
        ],
    ),
    (
        "claim-jht", "claim_jht", 5,
        "Mengajukan klaim JHT", "Claim your JHT",
        "Syarat, dokumen dan langkah untuk mencairkan Jaminan Hari Tua.",
        "Conditions, documents and steps to withdraw your old-age savings (JHT).",
        "guides/claim-jht.svg",
        [
            ("Pastikan status kepesertaan Anda sudah nonaktif: perusahaan lama harus melaporkan bahwa Anda sudah berhenti bekerja. Tanpa laporan ini klaim ditolak.",
             "Make sure your membership is non-active: your former employer must report that you stopped working there. Without that report the claim is refused."),
            ("Setelah mengundurkan diri atau terkena PHK, ada masa tunggu 1 bulan sebelum klaim bisa dibayar.",
             "After resigning or being laid off there is a 1-month waiting period before the claim can be paid."),
            ("Siapkan dokumen: KTP, kartu peserta (KPJ), surat keterangan berhenti bekerja (paklaring) atau bukti PHK, dan buku tabungan atas nama sendiri. Perbarui data Anda dulu jika belum.",
             "Prepare: KTP, membership card (KPJ), the letter confirming you stopped working (paklaring) or proof of the lay-off, and a bank book in your own name. Update your data first if you have not."),
            ("Di dasbor pilih \"Klaim JHT\", pilih alasan klaim, unggah dokumen dan periksa nomor rekening. Tekan \"Ajukan klaim\".",
             "On the dashboard choose \"Claim JHT\", pick the reason, upload the documents and check the bank account number. Press \"File claim\"."),
            ("Ikuti status klaim di dasbor. Setelah berkas lengkap, dana dibayar ke rekening Anda dalam 5 hari kerja. Saldo besar mungkin perlu verifikasi di cabang: buat janji temu.",
             "Follow the claim's status on the dashboard. Once the file is complete, the money is paid to your account within 5 working days. Large balances may need a check at the branch: book an appointment."),
        ],
        [
            ("Klaim Anda ditolak karena status masih aktif. Apa artinya?", "Your claim was refused because your status is still active. What does it mean?", [
                ("Perusahaan lama belum melaporkan Anda berhenti bekerja", "Your former employer has not reported that you left", True),
                ("Saldo Anda terlalu kecil", "Your balance is too small", False),
                ("Kata sandi Anda salah", "Your password is wrong", False),
            ]),
            ("Berapa lama masa tunggu setelah mengundurkan diri?", "How long is the wait after resigning?", [
                ("1 bulan", "1 month", True),
                ("1 tahun", "1 year", False),
                ("Tidak ada", "None", False),
            ]),
            ("Rekening untuk pembayaran klaim harus atas nama siapa?", "In whose name must the bank account for the payout be?", [
                ("Atas nama peserta sendiri", "The participant's own name", True),
                ("Atas nama HRD perusahaan", "The employer's HR officer", False),
                ("Siapa saja", "Anyone", False),
            ]),
        ],
    ),
    (
        "book-appointment", "book_appointment", 6,
        "Membuat janji temu di kantor cabang", "Book a branch appointment",
        "Pilih cabang, layanan dan jam, lalu datang tanpa antre lama.",
        "Choose a branch, a service and a time, then come without a long queue.",
        "guides/book-appointment.svg",
        [
            ("Masuk ke portal dan pilih \"Janji temu cabang\" di dasbor.",
             "Log in and choose \"Branch appointments\" on the dashboard."),
            ("Pilih kantor cabang terdekat dan layanan yang Anda butuhkan (misalnya klaim JHT atau perubahan data).",
             "Choose the nearest branch office and the service you need (for example a JHT claim or a data update)."),
            ("Pilih tanggal dan jam yang masih kosong, lalu tekan \"Pesan\". Anda mendapat email dengan nomor antrean.",
             "Choose a free date and time, then press \"Book\". You get an e-mail with your queue number."),
            ("Datang 15 menit sebelum jamnya dengan KTP, kartu peserta dan dokumen untuk layanan itu.",
             "Arrive 15 minutes early with your KTP, membership card and the documents for that service."),
            ("Tidak bisa datang? Ubah atau batalkan janji temu dari dasbor agar jam itu bisa dipakai orang lain.",
             "Cannot come? Change or cancel the appointment on the dashboard so someone else can use the time."),
        ],
        [
            ("Kapan sebaiknya Anda datang?", "When should you arrive?", [
                ("15 menit sebelum jam janji temu", "15 minutes before the appointment", True),
                ("Kapan saja di hari itu", "Any time that day", False),
            ]),
            ("Anda tidak bisa datang. Apa yang Anda lakukan?", "You cannot come. What do you do?", [
                ("Mengubah atau membatalkan janji temu di dasbor", "Change or cancel the appointment on the dashboard", True),
                ("Tidak perlu melakukan apa-apa", "Nothing", False),
            ]),
            ("Apa yang perlu dibawa?", "What do you bring?", [
                ("KTP, kartu peserta dan dokumen layanan", "KTP, membership card and the documents for the service", True),
                ("Hanya telepon genggam", "Only your phone", False),
            ]),
        ],
    ),
    (
        "complain", "complain", 7,
        "Mengajukan pengaduan", "File a complaint",
        "Dapatkan bantuan petugas, dengan nomor tiket dan jawaban lewat email.",
        "Get help from staff, with a ticket number and answers by e-mail.",
        "guides/complain.svg",
        [
            ("Pilih \"Bantuan\" di menu atas, lalu pilih masalah Anda.",
             "Choose \"Help\" in the top menu, then choose your problem."),
            ("Portal menawarkan langkah bantuan mandiri yang sering menyelesaikan masalah itu. Coba dulu. Jika berhasil, pilih \"Ya, sudah selesai\".",
             "The portal offers a self-help step that often solves that problem. Try it first. If it works, choose \"Yes, it is solved\"."),
            ("Masih bermasalah? Pilih \"Belum, saya masih butuh bantuan\", tulis judul singkat dan ceritakan apa yang terjadi (pesan kesalahan, kapan). Jangan pernah menulis kata sandi.",
             "Still stuck? Choose \"No, I still need help\", write a short subject and say what happened (the error message, when). Never write your password."),
            ("Anda mendapat nomor tiket. Petugas cabang menjawab di halaman pengaduan dan lewat email; Anda bisa membalas di sana.",
             "You get a ticket number. Branch staff answer on the complaint page and by e-mail; you can reply there."),
            ("Tidak bisa masuk sama sekali? Anda tetap bisa mengadu tanpa akun dengan NIK dan email. Simpan tautan status yang Anda terima.",
             "Cannot log in at all? You can still complain without an account, with your NIK and e-mail. Keep the status link you receive."),
            ("Setelah masalah selesai, beri nilai 1 sampai 5 untuk bantuan yang Anda terima.",
             "When the problem is solved, rate the help from 1 to 5."),
        ],
        [
            ("Apa yang sebaiknya dicoba sebelum mengirim pengaduan?", "What should you try before sending a complaint?", [
                ("Langkah bantuan mandiri yang ditawarkan", "The self-help step offered", True),
                ("Membuat akun baru", "Creating a new account", False),
            ]),
            ("Anda tidak bisa masuk ke akun. Bisakah Anda mengadu?", "You cannot log in. Can you complain?", [
                ("Ya, tanpa akun dengan NIK dan email", "Yes, without an account, with your NIK and e-mail", True),
                ("Tidak, harus masuk dulu", "No, you must log in first", False),
            ]),
            ("Apa yang tidak boleh ditulis dalam pengaduan?", "What must you never write in a complaint?", [
                ("Kata sandi Anda", "Your password", True),
                ("Nomor tiket", "The ticket number", False),
                ("Pesan kesalahan yang muncul", "The error message you saw", False),
            ]),
        ],
    ),
]

FAQS = [
    ("Saya lupa kata sandi. Bagaimana cara masuk?", "I forgot my password. How do I log in?",
     "Pilih \"Lupa kata sandi?\" di halaman masuk dan masukkan email yang Anda daftarkan. Kami mengirim tautan untuk membuat kata sandi baru.",
     "Choose \"Forgot your password?\" on the login page and enter the e-mail you registered with. We send a link to set a new password."),
    ("Email saya sudah tidak aktif. Apa yang harus saya lakukan?", "My e-mail address no longer works. What do I do?",
     "Ajukan pengaduan tanpa akun dengan kategori \"Saya tidak bisa masuk\", isi NIK dan email baru Anda. Petugas cabang akan membantu mengganti email.",
     "File a complaint without an account in the category \"I cannot log in\", with your NIK and your new e-mail. Branch staff will help you change the address."),
    ("Saya punya dua nomor KPJ. Apakah saya perlu dua akun?", "I have two KPJ numbers. Do I need two accounts?",
     "Tidak. Satu akun untuk satu NIK. Tambahkan kartu KPJ yang lain di \"Kartu saya\" agar saldonya tampil bersama.",
     "No. One account per NIK. Add the other KPJ card under \"My cards\" so its balance shows together with the first."),
    ("Mengapa saldo JHT saya belum bertambah bulan ini?", "Why has my JHT balance not grown this month?",
     "Iuran biasanya tampil bulan berikutnya setelah perusahaan membayar. Jika sudah lebih dari dua bulan, tanyakan ke perusahaan atau ajukan pengaduan.",
     "Contributions usually show the month after your employer pays. If it has been more than two months, ask your employer or file a complaint."),
    ("Kapan saya bisa mencairkan JHT setelah berhenti bekerja?", "When can I withdraw my JHT after leaving a job?",
     "Setelah masa tunggu 1 bulan sejak surat pengunduran diri atau tanggal PHK, dan setelah perusahaan melaporkan Anda nonaktif.",
     "After a 1-month wait from the resignation letter or the lay-off date, and once your employer has reported you as non-active."),
    ("Berapa lama pengaduan saya dijawab?", "How soon is my complaint answered?",
     "Setiap jenis masalah punya batas waktu. Masalah masuk akun dijawab paling lambat 8 jam. Waktu perkiraan jawaban tampil di halaman pengaduan Anda.",
     "Each kind of problem has a time limit; login problems get a first answer within 8 hours. The expected answer time is shown on your complaint's page."),
    ("Apakah portal ini gratis?", "Does the portal cost anything?",
     "Ya, semua layanan portal gratis. Petugas BPJS Ketenagakerjaan tidak pernah meminta uang atau kata sandi Anda.",
     "Yes, every service of the portal is free. BPJS Ketenagakerjaan staff never ask for money or your password."),
    ("Portal sedang dalam pemeliharaan. Apa yang masih bisa saya lakukan?", "The portal is under maintenance. What can I still do?",
     "Anda tetap bisa membaca data, berita dan panduan. Mengirim formulir ditunda sampai pemeliharaan selesai; waktu selesai tertera di spanduk.",
     "You can still read your data, news and guides. Sending forms is paused until the maintenance ends; the end time is shown in the banner."),
]


def seed(apps, schema_editor):
    ArticleCategory = apps.get_model("news", "ArticleCategory")
    Guide = apps.get_model("news", "Guide")
    GuideStep = apps.get_model("news", "GuideStep")
    QuizQuestion = apps.get_model("news", "QuizQuestion")
    QuizChoice = apps.get_model("news", "QuizChoice")
    Faq = apps.get_model("news", "Faq")
    for slug, name, name_en, order in CATEGORIES:
        ArticleCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for (slug, task, order, title, title_en, summary, summary_en, picture, steps,
         questions) in GUIDES:
        guide, created = Guide.objects.get_or_create(
            slug=slug,
            defaults={"task": task, "order": order, "title": title, "title_en": title_en,
                      "summary": summary, "summary_en": summary_en},
        )
        if not created:
            continue
        for number, (text, text_en) in enumerate(steps, start=1):
            GuideStep.objects.create(
                guide=guide, number=number, text=text, text_en=text_en,
                image=picture if number == 1 else "",
                image_alt=f"Gambar layar: {title}" if number == 1 else "",
                image_alt_en=f"Screen picture: {title_en}" if number == 1 else "",
            )
        for number, (text, text_en, answers) in enumerate(questions, start=1):
            question = QuizQuestion.objects.create(
                guide=guide, number=number, text=text, text_en=text_en
            )
            for index, (answer, answer_en, correct) in enumerate(answers):
                # Rotate so the right answer is not always the first one shown.
                QuizChoice.objects.create(
                    question=question, text=answer, text_en=answer_en,
                    is_correct=correct, order=(index + number) % len(answers),
                )
    for order, (question, question_en, answer, answer_en) in enumerate(FAQS, start=1):
        Faq.objects.get_or_create(
            question=question,
            defaults={"question_en": question_en, "answer": answer, "answer_en": answer_en,
                      "order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("news", "Guide").objects.filter(slug__in=[g[0] for g in GUIDES]).delete()
    apps.get_model("news", "Faq").objects.filter(question__in=[f[0] for f in FAQS]).delete()


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
