"""The guides and FAQ as rewritten in December 2026 (issue 16), frozen for migration 0004.

Every step names at most one control, quoted “like this” in both languages, together with the
page it is on (a URL name, with arguments after a space) and its exact label in each language:
tests/news/test_guide_controls.py renders that page and looks the label up, so a guide cannot
send people to a button that does not exist. Quiz questions explain why the answer is right.
The words follow the portal's glossary (KPJ, JHT, PU, "online", ...): each abbreviation is
written out where a page uses it first.

The leading underscore keeps Django's migration loader from reading this module as a migration.
Later edits go into a new dated module and migration, never into this one.
"""

# slug: (title, title_en, summary, summary_en,
#        [(text, text_en, page, control, control_en)],
#        [(question, question_en, why, why_en, [(answer, answer_en, correct)])])
GUIDES = {
    "register": (
        "Mendaftar akun portal",
        "Register for a portal account",
        "Buat akun dengan NIK dan nomor KPJ (kartu peserta) Anda, lalu konfirmasi email Anda.",
        "Create an account with your NIK (identity number) and your KPJ (membership card) "
        "number, then confirm your e-mail address.",
        [
            (
                "Siapkan KTP (kartu tanda penduduk) untuk NIK 16 angka, kartu peserta BPJS "
                "Ketenagakerjaan untuk nomor KPJ 11 angka, dan alamat email yang masih aktif.",
                "Have your KTP (identity card) for the 16-digit NIK, your BPJS Ketenagakerjaan "
                "membership card for the 11-digit KPJ number, and an e-mail address you use.",
                "", "", "",
            ),
            (
                "Buka portal dan pilih “Daftar” di menu atas.",
                "Open the portal and choose “Register” in the top menu.",
                "home", "Daftar", "Register",
            ),
            (
                "Isi NIK, nomor KPJ, nama lengkap persis seperti di KTP, tanggal lahir, email, dan "
                "kata sandi (paling sedikit 10 karakter) dua kali. Tekan “Daftar”. Jika ada yang "
                "tidak cocok, portal memberi tahu kolom mana yang perlu diperiksa.",
                "Fill in your NIK, KPJ number, full name exactly as on your KTP, birth date, "
                "e-mail and a password (at least 10 characters) twice. Press “Register”. If "
                "something does not match, the portal tells you which field to check.",
                "account_signup", "Daftar", "Register",
            ),
            (
                "Buka email Anda dan cari pesan dari JMO Portal. Buka tautan konfirmasi di "
                "dalamnya dan konfirmasi alamat Anda. Tidak ada? Periksa folder spam atau promosi.",
                "Open your e-mail and look for the message from JMO Portal. Open the "
                "confirmation link in it and confirm your address. Not there? Check the spam or "
                "promotions folder.",
                "", "", "",
            ),
            (
                "Setelah itu, masuk dengan email dan kata sandi Anda: tekan “Masuk”.",
                "Then log in with your e-mail and password: press “Log in”.",
                "account_login", "Masuk", "Log in",
            ),
        ],
        [
            (
                "Apa yang Anda perlukan untuk mendaftar?",
                "What do you need to register?",
                "Portal mencocokkan NIK dan nomor KPJ dengan data kepesertaan Anda. Tanpa "
                "keduanya akun tidak bisa dibuat.",
                "The portal matches your NIK and KPJ number with your membership record. "
                "Without both, no account can be made.",
                [
                    ("NIK dan nomor KPJ", "Your NIK and KPJ number", True),
                    ("Nomor rekening bank saja", "Only a bank account number", False),
                    ("Foto selfie", "A selfie photo", False),
                ],
            ),
            (
                "Berapa angka nomor KPJ?",
                "How many digits does a KPJ number have?",
                "Nomor KPJ punya 11 angka. NIK di KTP yang punya 16 angka.",
                "A KPJ number has 11 digits. The NIK on your KTP is the one with 16 digits.",
                [
                    ("11 angka", "11 digits", True),
                    ("16 angka", "16 digits", False),
                    ("8 angka", "8 digits", False),
                ],
            ),
            (
                "Email konfirmasi tidak ada di kotak masuk. Apa yang Anda lakukan?",
                "The confirmation e-mail is not in your inbox. What do you do?",
                "Pesan otomatis sering masuk ke folder spam atau promosi. Mendaftar lagi tidak "
                "perlu: satu NIK hanya bisa punya satu akun.",
                "Automatic messages often land in the spam or promotions folder. Registering "
                "again does not help: one NIK can have only one account.",
                [
                    ("Memeriksa folder spam atau promosi", "Check the spam or promotions folder",
                     True),
                    ("Mendaftar lagi dengan NIK lain", "Register again with another NIK", False),
                    ("Menunggu satu bulan", "Wait a month", False),
                ],
            ),
        ],
    ),
    "link-kpj": (
        "Menghubungkan kartu KPJ lain",
        "Link another KPJ card",
        "Pindah kerja? Tambahkan nomor KPJ (kartu peserta) yang baru agar semua saldo tampil "
        "bersama.",
        "Changed jobs? Add the new KPJ (membership card) number so all your balances show "
        "together.",
        [
            (
                "Setiap kali bekerja di perusahaan baru, Anda bisa mendapat nomor KPJ (kartu "
                "peserta) baru. Saldo di kartu lama tetap milik Anda. Anda tidak perlu membuat "
                "akun kedua.",
                "Each new employer can give you a new KPJ (membership card) number. The balance "
                "on the old card is still yours. You do not need a second account.",
                "", "", "",
            ),
            (
                "Masuk ke portal, lalu pilih “Dasbor saya” di menu atas.",
                "Log in to the portal, then choose “My dashboard” in the top menu.",
                "dashboard", "Dasbor saya", "My dashboard",
            ),
            (
                "Buka halaman Kartu saya dan tekan “Tambah kartu KPJ”.",
                "Open the My cards page and press “Add a KPJ card”.",
                "my_cards", "Tambah kartu KPJ", "Add a KPJ card",
            ),
            (
                "Masukkan nomor KPJ 11 angka dari kartu yang lain. Nomor ada di kartu peserta, "
                "atau tanyakan ke bagian personalia (HRD) perusahaan.",
                "Enter the 11-digit KPJ number of the other card. It is printed on the "
                "membership card, or ask your employer's personnel department.",
                "", "", "",
            ),
            (
                "Setelah terhubung, saldo semua kartu tampil bersama di dasbor. Jika nomor "
                "ditolak, kartu itu mungkin terdaftar dengan data yang berbeda: buka Bantuan "
                "dan pilih “Saldo tidak muncul atau kartu KPJ belum terhubung”.",
                "Once linked, the balances of all cards show together on the dashboard. If the "
                "number is refused, that card may be registered with different data: open Help "
                "and choose “My balance is missing or a KPJ card is not linked”.",
                "complaints:start",
                "Saldo tidak muncul atau kartu KPJ belum terhubung",
                "My balance is missing or a KPJ card is not linked",
            ),
        ],
        [
            (
                "Anda pindah kerja dan saldo dari kartu baru tidak muncul. Apa sebabnya?",
                "You changed jobs and the new card's balance does not show. Why?",
                "Saldo sebuah kartu baru tampil setelah kartu itu dihubungkan ke akun Anda. "
                "Saldonya tidak hilang.",
                "A new card's balance shows once that card is linked to your account. The money "
                "is not lost.",
                [
                    ("Kartu KPJ baru belum dihubungkan ke akun",
                     "The new KPJ card is not linked to the account yet", True),
                    ("Saldo Anda hilang", "Your balance is lost", False),
                    ("Akun Anda diblokir", "Your account is blocked", False),
                ],
            ),
            (
                "Apakah dua nomor KPJ berarti dua akun?",
                "Do two KPJ numbers mean two accounts?",
                "Satu akun untuk satu NIK. Semua kartu KPJ Anda bisa dihubungkan ke akun itu.",
                "One account per NIK. All your KPJ cards can be linked to that one account.",
                [
                    ("Tidak, satu akun bisa memiliki beberapa kartu",
                     "No, one account can hold several cards", True),
                    ("Ya, setiap kartu perlu akun sendiri", "Yes, every card needs its own account",
                     False),
                ],
            ),
            (
                "Di mana Anda menemukan nomor KPJ?",
                "Where do you find a KPJ number?",
                "Nomor KPJ tercetak di kartu peserta, dan bagian personalia perusahaan juga "
                "mencatatnya. KTP hanya memuat NIK.",
                "The KPJ number is printed on the membership card, and your employer's personnel "
                "department has it too. The KTP only shows the NIK.",
                [
                    ("Di kartu peserta atau dari bagian personalia perusahaan",
                     "On the membership card or from your employer's personnel department", True),
                    ("Di KTP", "On your KTP", False),
                    ("Di buku tabungan", "In your bank book", False),
                ],
            ),
        ],
    ),
    "check-balance": (
        "Melihat saldo JHT",
        "Check your JHT balance",
        "Lihat saldo Jaminan Hari Tua (JHT) dan rinciannya di dasbor.",
        "See your JHT (old-age savings) balance and its details on the dashboard.",
        [
            (
                "Masuk ke portal, lalu pilih “Dasbor saya” di menu atas.",
                "Log in to the portal, then choose “My dashboard” in the top menu.",
                "dashboard", "Dasbor saya", "My dashboard",
            ),
            (
                "Di dasbor, lihat kotak “Saldo JHT”. Saldo Jaminan Hari Tua adalah iuran Anda dan "
                "perusahaan ditambah hasil pengembangan, dari semua kartu KPJ yang terhubung.",
                "On the dashboard, look at the “JHT balance” box. The balance of your old-age "
                "savings is your and your employer's contributions plus returns, for all linked "
                "KPJ cards.",
                "dashboard", "Saldo JHT", "JHT balance",
            ),
            (
                "Tekan “Cek saldo” untuk melihat rinciannya: saldo setiap kartu dan iuran setiap "
                "bulan.",
                "Press “Check my balance” to see the details: the balance of each card "
                "and the contributions of each month.",
                "dashboard", "Cek saldo", "Check my balance",
            ),
            (
                "Iuran bulan ini biasanya baru tampil bulan berikutnya. Jika saldo kartu lama "
                "tidak ada, hubungkan kartu itu: lihat panduan “Menghubungkan kartu KPJ lain”.",
                "This month's contribution usually shows next month. If an old card's balance is "
                "missing, link that card: see the guide “Link another KPJ card”.",
                "news:guide_list", "Menghubungkan kartu KPJ lain", "Link another KPJ card",
            ),
        ],
        [
            (
                "Kapan iuran bulan ini biasanya tampil di saldo?",
                "When does this month's contribution usually show in the balance?",
                "Perusahaan membayar iuran setelah bulannya berakhir, jadi iuran tampil bulan "
                "berikutnya.",
                "Employers pay a month's contribution after the month ends, so it shows the "
                "month after.",
                [
                    ("Bulan berikutnya", "Next month", True),
                    ("Hari yang sama", "The same day", False),
                    ("Satu tahun kemudian", "A year later", False),
                ],
            ),
            (
                "Saldo kartu lama Anda tidak tampil. Apa langkah pertama?",
                "Your old card's balance does not show. What is the first step?",
                "Dasbor hanya menjumlahkan kartu yang terhubung ke akun Anda. Hubungkan kartu "
                "lama, dan saldonya ikut tampil.",
                "The dashboard only adds up the cards linked to your account. Link the old card "
                "and its balance shows too.",
                [
                    ("Menghubungkan kartu lama ke akun", "Link the old card to the account", True),
                    ("Membuat akun baru", "Create a new account", False),
                    ("Mengajukan klaim", "File a claim", False),
                ],
            ),
            (
                "Dari mana saldo JHT berasal?",
                "Where does the JHT balance come from?",
                "Pekerja penerima upah (PU) menabung 5,7 % dari upah: 3,7 % dari perusahaan dan "
                "2 % dari pekerja, ditambah hasil pengembangan setiap tahun.",
                "Wage earners save 5.7 % of the wage: 3.7 % from the employer and 2 % from the "
                "worker, plus the returns declared each year.",
                [
                    ("Iuran pekerja dan perusahaan ditambah hasil pengembangan",
                     "Worker and employer contributions plus returns", True),
                    ("Hanya dari pemerintah", "Only from the government", False),
                ],
            ),
        ],
    ),
    "update-data": (
        "Memperbarui data (pengkinian data)",
        "Update your data",
        "Perbarui nomor HP, alamat, rekening bank dan data keluarga, dengan foto dokumen yang "
        "jelas bila diminta.",
        "Update your phone number, address, bank account and family data, with clear photos "
        "of your documents where asked.",
        [
            (
                "Siapkan KTP (kartu tanda penduduk) dan Kartu Keluarga (KK). Foto harus jelas: "
                "cahaya cukup, tidak buram, semua sudut dokumen terlihat.",
                "Have your KTP (identity card) and family card (KK) ready. Photos "
                "must be clear: enough light, not blurred, all corners of the document visible.",
                "", "", "",
            ),
            (
                "Masuk ke portal, lalu pilih “Perbarui data” di menu atas atau di dasbor.",
                "Log in, then choose “Update my data” in the top menu or on the dashboard.",
                "dashboard", "Perbarui data", "Update my data",
            ),
            (
                "Pilih data yang ingin diubah, misalnya “Ubah alamat”. Nama dan tanggal lahir "
                "harus sama dengan KTP.",
                "Choose the data to change, for example “Change address”. Name and birth date "
                "must match your KTP.",
                "data_update_home", "Ubah alamat", "Change address",
            ),
            (
                "Isi data baru. Untuk nama, tanggal lahir, NIK dan keluarga, unggah foto KTP atau "
                "KK, lalu kirim.",
                "Fill in the new data. For name, birth date, NIK and family, upload a photo of "
                "your KTP or KK, then send it.",
                "", "", "",
            ),
            (
                "Petugas cabang memeriksa permohonan yang perlu dokumen. Anda mendapat email saat "
                "disetujui, atau jika ada yang perlu diperbaiki.",
                "Branch staff check the requests that need documents. You get an e-mail when it "
                "is approved, or when something needs fixing.",
                "", "", "",
            ),
        ],
        [
            (
                "Dokumen apa yang perlu disiapkan?",
                "Which documents do you need?",
                "Perubahan nama, tanggal lahir dan keluarga diperiksa dengan KTP dan Kartu "
                "Keluarga.",
                "Changes of name, birth date and family are checked against the KTP and the "
                "family card.",
                [
                    ("KTP dan Kartu Keluarga", "KTP and family card (KK)", True),
                    ("Ijazah sekolah", "School certificate", False),
                    ("SIM", "Driving licence", False),
                ],
            ),
            (
                "Permohonan Anda ditolak karena foto buram. Apa yang Anda lakukan?",
                "Your request was refused because a photo was blurred. What do you do?",
                "Petugas hanya bisa menyetujui dokumen yang terbaca. Foto ulang di tempat terang "
                "dan kirim lagi.",
                "Staff can only approve a document they can read. Take the photo again in good "
                "light and send it again.",
                [
                    ("Memotret ulang dengan cahaya cukup dan mengirim lagi",
                     "Take the photo again in good light and send again", True),
                    ("Membuat akun baru", "Create a new account", False),
                    ("Menunggu sampai disetujui sendiri", "Wait until it is approved anyway",
                     False),
                ],
            ),
            (
                "Siapa yang memeriksa permohonan perubahan data?",
                "Who checks a data update request?",
                "Petugas kantor cabang BPJS Ketenagakerjaan Anda yang memeriksa dan memutuskan.",
                "The staff of your BPJS Ketenagakerjaan branch office check and decide.",
                [
                    ("Petugas cabang BPJS Ketenagakerjaan", "BPJS Ketenagakerjaan branch staff",
                     True),
                    ("Perusahaan tempat Anda bekerja", "Your employer", False),
                ],
            ),
        ],
    ),
    "claim-jht": (
        "Mengajukan klaim JHT",
        "Claim your JHT",
        "Syarat, dokumen dan langkah untuk mencairkan Jaminan Hari Tua (JHT).",
        "Conditions, documents and steps to withdraw your JHT (old-age savings).",
        [
            (
                "Pastikan status kepesertaan Anda sudah nonaktif: perusahaan lama harus "
                "melaporkan bahwa Anda sudah berhenti bekerja. Tanpa laporan ini klaim ditolak.",
                "Make sure your membership is non-active: your former employer must report that "
                "you stopped working there. Without that report the claim is refused.",
                "", "", "",
            ),
            (
                "Setelah mengundurkan diri atau terkena pemutusan hubungan kerja (PHK), ada masa "
                "tunggu 1 bulan sebelum klaim Jaminan Hari Tua bisa dibayar.",
                "After resigning or being laid off there is a 1-month waiting period before the "
                "old-age savings (JHT) claim can be paid.",
                "", "", "",
            ),
            (
                "Siapkan dokumen: KTP, kartu peserta (KPJ), surat keterangan berhenti bekerja "
                "(paklaring) atau bukti PHK, dan buku tabungan atas nama sendiri.",
                "Prepare: your KTP (identity card), membership card (KPJ), the letter confirming "
                "you stopped working or proof of the lay-off, and a bank book in your "
                "own name.",
                "", "", "",
            ),
            (
                "Di dasbor, pada kotak Klaim, tekan “Bisakah saya klaim?”.",
                "On the dashboard, in the Claims box, press “Can I claim?”.",
                "dashboard", "Bisakah saya klaim?", "Can I claim?",
            ),
            (
                "Pilih jenis klaim dan tanggal kejadian, lalu tekan “Cek”. Portal menjelaskan "
                "apakah Anda sudah bisa klaim, dokumen yang diperlukan, dan kira-kira berapa yang "
                "Anda terima.",
                "Choose the kind of claim and the date it happened, then press “Check”. The "
                "portal tells you whether you can claim yet, which documents you need and about "
                "how much you receive.",
                "claims:check", "Cek", "Check",
            ),
            (
                "Jika sudah bisa, lanjutkan ke halaman pengajuan: unggah dokumen, periksa "
                "rekening bank Anda, lalu tekan “Ajukan klaim”.",
                "If you can, go on to the filing page: upload the documents, check your bank "
                "account, then press “File the claim”.",
                "claims:file", "Ajukan klaim", "File the claim",
            ),
            (
                "Ikuti status klaim di “Lacak klaim” pada dasbor. Setelah berkas lengkap, klaim "
                "diputuskan dalam 5 hari kerja dan dana dikirim ke rekening Anda.",
                "Follow your claim in “Track my claims” on the dashboard. Once the "
                "file is complete, the claim is decided within 5 working days and the money is "
                "sent to your account.",
                "dashboard", "Lacak klaim", "Track my claims",
            ),
        ],
        [
            (
                "Klaim Anda ditolak karena status masih aktif. Apa artinya?",
                "Your claim was refused because your status is still active. What does it mean?",
                "Status menjadi nonaktif setelah perusahaan lama melaporkan Anda berhenti "
                "bekerja. Minta mereka melaporkannya, lalu ajukan lagi.",
                "The status becomes non-active once your former employer reports that you left. "
                "Ask them to report it, then file again.",
                [
                    ("Perusahaan lama belum melaporkan Anda berhenti bekerja",
                     "Your former employer has not reported that you left", True),
                    ("Saldo Anda terlalu kecil", "Your balance is too small", False),
                    ("Kata sandi Anda salah", "Your password is wrong", False),
                ],
            ),
            (
                "Berapa lama masa tunggu setelah mengundurkan diri?",
                "How long is the wait after resigning?",
                "Aturan JHT menetapkan masa tunggu 1 bulan sejak tanggal pengunduran diri atau "
                "PHK.",
                "The JHT rules set a 1-month wait from the date of resigning or of the lay-off.",
                [
                    ("1 bulan", "1 month", True),
                    ("1 tahun", "1 year", False),
                    ("Tidak ada", "None", False),
                ],
            ),
            (
                "Rekening untuk pembayaran klaim harus atas nama siapa?",
                "In whose name must the bank account for the payout be?",
                "Dana hanya dikirim ke rekening atas nama peserta sendiri, agar tidak ada orang "
                "lain yang bisa mengambilnya.",
                "The money only goes to an account in the participant's own name, so nobody else "
                "can take it.",
                [
                    ("Atas nama peserta sendiri", "The participant's own name", True),
                    ("Atas nama bagian personalia perusahaan",
                     "The employer's personnel officer", False),
                    ("Siapa saja", "Anyone", False),
                ],
            ),
        ],
    ),
    "book-appointment": (
        "Membuat janji temu di kantor cabang",
        "Book a branch appointment",
        "Pilih layanan, kantor cabang dan hari, lalu datang tanpa antre lama.",
        "Choose a service, a branch office and a day, then come without a long queue.",
        [
            (
                "Masuk ke portal. Di dasbor, pada kotak janji temu, tekan “Buat janji di kantor "
                "cabang”.",
                "Log in. On the dashboard, in the appointments box, press “Book a branch "
                "appointment”.",
                "dashboard", "Buat janji di kantor cabang", "Book a branch appointment",
            ),
            (
                "Pilih layanan yang Anda butuhkan, sampai tiga kantor cabang, dan hari yang cocok. "
                "Tekan “Minta janji temu”.",
                "Choose the service you need, up to three branch offices, and the days that suit "
                "you. Press “Request appointment”.",
                "appointments:book", "Minta janji temu", "Request appointment",
            ),
            (
                "Kami mencarikan jadwal kosong paling awal dan mengirimkannya lewat email. "
                "Konfirmasi jadwal itu di halaman janji temu.",
                "We find the earliest free time and send it by e-mail. Confirm it on the "
                "appointment's page.",
                "", "", "",
            ),
            (
                "Datang 15 menit sebelum jamnya dengan KTP, kartu peserta dan dokumen untuk "
                "layanan itu.",
                "Arrive 15 minutes early with your KTP (identity card), membership card and the "
                "documents for that service.",
                "", "", "",
            ),
            (
                "Tidak bisa datang? Buka “Janji temu saya” di dasbor, lalu pindahkan atau "
                "batalkan janji temu agar jamnya bisa dipakai orang lain.",
                "Cannot come? Open “My appointments” on the dashboard, then move or cancel the "
                "appointment so someone else can use the time.",
                "dashboard", "Janji temu saya", "My appointments",
            ),
        ],
        [
            (
                "Kapan sebaiknya Anda datang?",
                "When should you arrive?",
                "Datang lebih awal memberi waktu untuk memeriksa dokumen sebelum giliran Anda.",
                "Coming early leaves time to check your documents before your turn.",
                [
                    ("15 menit sebelum jam janji temu", "15 minutes before the appointment",
                     True),
                    ("Kapan saja di hari itu", "Any time that day", False),
                ],
            ),
            (
                "Anda tidak bisa datang. Apa yang Anda lakukan?",
                "You cannot come. What do you do?",
                "Jam yang dibatalkan bisa dipakai peserta lain, dan Anda bisa memilih hari baru.",
                "A cancelled time can go to someone else, and you can choose a new day.",
                [
                    ("Memindahkan atau membatalkan janji temu di portal",
                     "Move or cancel the appointment in the portal", True),
                    ("Tidak perlu melakukan apa-apa", "Nothing", False),
                ],
            ),
            (
                "Apa yang perlu dibawa?",
                "What do you bring?",
                "Petugas perlu melihat KTP dan kartu peserta asli, serta dokumen untuk layanan "
                "itu.",
                "Staff need to see your original KTP and membership card, and the documents for "
                "the service.",
                [
                    ("KTP, kartu peserta dan dokumen layanan",
                     "KTP, membership card and the documents for the service", True),
                    ("Hanya telepon genggam", "Only your phone", False),
                ],
            ),
        ],
    ),
    "complain": (
        "Mengajukan pengaduan",
        "File a complaint",
        "Dapatkan bantuan petugas, dengan nomor tiket dan jawaban lewat email.",
        "Get help from staff, with a ticket number and answers by e-mail.",
        [
            (
                "Pilih “Bantuan” di menu atas, lalu pilih masalah Anda.",
                "Choose “Help” in the top menu, then choose your problem.",
                "home", "Bantuan", "Help",
            ),
            (
                "Portal menawarkan langkah bantuan mandiri yang sering menyelesaikan masalah itu. "
                "Coba dulu. Jika berhasil, pilih “Ya, sudah selesai”.",
                "The portal offers a self-help step that often solves that problem. Try it "
                "first. If it works, choose “Yes, it is solved”.",
                "complaints:self_help cannot_log_in", "Ya, sudah selesai", "Yes, it is solved",
            ),
            (
                "Masih bermasalah? Pilih “Belum, saya masih butuh bantuan”.",
                "Still stuck? Choose “No, I still need help”.",
                "complaints:self_help cannot_log_in",
                "Belum, saya masih butuh bantuan",
                "No, I still need help",
            ),
            (
                "Tulis judul singkat dan ceritakan apa yang terjadi (pesan kesalahan, kapan), lalu "
                "tekan “Kirim pengaduan”. Jangan pernah menulis kata sandi.",
                "Write a short subject and say what happened (the error message, when), then "
                "press “Send complaint”. Never write your password.",
                "complaints:create cannot_log_in", "Kirim pengaduan", "Send complaint",
            ),
            (
                "Anda mendapat nomor tiket. Petugas cabang menjawab di halaman pengaduan dan "
                "lewat email; Anda bisa membalas di sana.",
                "You get a ticket number. Branch staff answer on the complaint page and by "
                "e-mail; you can reply there.",
                "", "", "",
            ),
            (
                "Tidak bisa masuk sama sekali? Anda tetap bisa mengadu tanpa akun, dengan NIK dan "
                "email. Simpan tautan status yang Anda terima.",
                "Cannot log in at all? You can still complain without an account, with your NIK "
                "and e-mail. Keep the status link you receive.",
                "", "", "",
            ),
            (
                "Setelah masalah selesai, beri nilai 1 sampai 5 untuk bantuan yang Anda terima.",
                "When the problem is solved, rate the help from 1 to 5.",
                "", "", "",
            ),
        ],
        [
            (
                "Apa yang sebaiknya dicoba sebelum mengirim pengaduan?",
                "What should you try before sending a complaint?",
                "Langkah bantuan mandiri menyelesaikan banyak masalah langsung, tanpa menunggu "
                "jawaban petugas.",
                "The self-help step solves many problems at once, without waiting for staff.",
                [
                    ("Langkah bantuan mandiri yang ditawarkan", "The self-help step offered",
                     True),
                    ("Membuat akun baru", "Creating a new account", False),
                ],
            ),
            (
                "Anda tidak bisa masuk ke akun. Bisakah Anda mengadu?",
                "You cannot log in. Can you complain?",
                "Masalah masuk dan akun bisa diadukan tanpa akun, dengan NIK dan email.",
                "Login and account problems can be reported without an account, with your NIK "
                "and e-mail.",
                [
                    ("Ya, tanpa akun dengan NIK dan email",
                     "Yes, without an account, with your NIK and e-mail", True),
                    ("Tidak, harus masuk dulu", "No, you must log in first", False),
                ],
            ),
            (
                "Apa yang tidak boleh ditulis dalam pengaduan?",
                "What must you never write in a complaint?",
                "Petugas tidak pernah memerlukan kata sandi Anda. Siapa pun yang memintanya "
                "adalah penipu.",
                "Staff never need your password. Anyone who asks for it is a fraudster.",
                [
                    ("Kata sandi Anda", "Your password", True),
                    ("Nomor tiket", "The ticket number", False),
                    ("Pesan kesalahan yang muncul", "The error message you saw", False),
                ],
            ),
        ],
    ),
}

# question as first seeded (the key, so staff edits are kept): (question, question_en, answer,
# answer_en, page, control, control_en)
FAQS = {
    "Saya lupa kata sandi. Bagaimana cara masuk?": (
        "Saya lupa kata sandi. Bagaimana cara masuk?",
        "I forgot my password. How do I log in?",
        "Di halaman masuk, pilih “Lupa kata sandi?” dan masukkan email yang Anda daftarkan. "
        "Kami mengirim tautan untuk membuat kata sandi baru.",
        "On the login page, choose “Forgot your password?” and enter the e-mail you "
        "registered with. We send a link to set a new password.",
        "account_login", "Lupa kata sandi?", "Forgot your password?",
    ),
    "Email saya sudah tidak aktif. Apa yang harus saya lakukan?": (
        "Email saya sudah tidak aktif. Apa yang harus saya lakukan?",
        "My e-mail address no longer works. What do I do?",
        "Ajukan pengaduan tanpa akun: buka Bantuan, pilih “Saya tidak bisa masuk”, lalu isi "
        "NIK dan email baru Anda. Petugas cabang membantu mengganti email.",
        "File a complaint without an account: open Help, choose “I cannot log in”, then give "
        "your NIK and your new e-mail. Branch staff help you change the address.",
        "complaints:start", "Saya tidak bisa masuk", "I cannot log in",
    ),
    "Saya punya dua nomor KPJ. Apakah saya perlu dua akun?": (
        "Saya punya dua nomor KPJ (kartu peserta). Apakah saya perlu dua akun?",
        "I have two KPJ (membership card) numbers. Do I need two accounts?",
        "Tidak. Satu akun untuk satu NIK. Di halaman Kartu saya, tekan “Tambah kartu KPJ” dan "
        "masukkan nomor yang lain, agar saldonya tampil bersama.",
        "No. One account per NIK. On the My cards page, press “Add a KPJ card” and enter the "
        "other number, so its balance shows together with the first.",
        "my_cards", "Tambah kartu KPJ", "Add a KPJ card",
    ),
    "Mengapa saldo JHT saya belum bertambah bulan ini?": (
        "Mengapa saldo JHT (Jaminan Hari Tua) saya belum bertambah bulan ini?",
        "Why has my JHT (old-age savings) balance not grown this month?",
        "Iuran biasanya tampil bulan berikutnya setelah perusahaan membayar. Jika sudah lebih "
        "dari dua bulan, tanyakan ke perusahaan atau ajukan pengaduan.",
        "Contributions usually show the month after your employer pays. If it has been more "
        "than two months, ask your employer or file a complaint.",
        "", "", "",
    ),
    "Kapan saya bisa mencairkan JHT setelah berhenti bekerja?": (
        "Kapan saya bisa mencairkan JHT (Jaminan Hari Tua) setelah berhenti bekerja?",
        "When can I withdraw my JHT (old-age savings) after leaving a job?",
        "Setelah masa tunggu 1 bulan sejak tanggal pengunduran diri atau pemutusan hubungan "
        "kerja (PHK), dan setelah perusahaan melaporkan Anda nonaktif. Cek dulu di dasbor "
        "dengan “Bisakah saya klaim?”.",
        "After a 1-month wait from the date you resigned or were laid off, and once your "
        "employer has reported you as non-active. Check first on the dashboard with “Can I "
        "claim?”.",
        "dashboard", "Bisakah saya klaim?", "Can I claim?",
    ),
    "Berapa lama pengaduan saya dijawab?": (
        "Berapa lama pengaduan saya dijawab?",
        "How soon is my complaint answered?",
        "Setiap jenis masalah punya batas waktu. Masalah masuk akun dijawab paling lambat 8 "
        "jam. Perkiraan waktu jawaban tampil di halaman pengaduan Anda.",
        "Each kind of problem has a time limit; login problems get a first answer within 8 "
        "hours. The expected answer time is shown on your complaint's page.",
        "", "", "",
    ),
    "Apakah portal ini gratis?": (
        "Apakah portal ini gratis?",
        "Does the portal cost anything?",
        "Ya, semua layanan portal gratis. Petugas BPJS Ketenagakerjaan tidak pernah meminta "
        "uang atau kata sandi Anda.",
        "Yes, every service of the portal is free. BPJS Ketenagakerjaan staff never ask for "
        "money or your password.",
        "", "", "",
    ),
    "Portal sedang dalam pemeliharaan. Apa yang masih bisa saya lakukan?": (
        "Portal sedang dalam pemeliharaan. Apa yang masih bisa saya lakukan?",
        "The portal is under maintenance. What can I still do?",
        "Anda tetap bisa membaca data, berita dan panduan. Mengirim formulir ditunda sampai "
        "pemeliharaan selesai; waktu selesainya tertera di pengumuman di atas halaman.",
        "You can still read your data, news and guides. Sending forms is paused until the "
        "maintenance ends; the end time is shown in the notice at the top of the page.",
        "", "", "",
    ),
}

# New questions, added after the ones above.
NEW_FAQS = [
    (
        "Berapa iuran bulanan saya?",
        "How much is my monthly contribution?",
        "Buka Simulasi iuran, pilih jenis kepesertaan Anda, isi upah atau penghasilan, lalu "
        "tekan “Hitung”. Anda melihat iuran setiap program dan siapa yang membayarnya.",
        "Open the contribution simulator, choose your kind of membership, fill in your wage or "
        "income, then press “Calculate”. You see the contribution of each programme and who "
        "pays it.",
        "simulate_contribution", "Hitung", "Calculate",
    ),
]
