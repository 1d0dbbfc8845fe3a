from django.db import migrations

# code, Bahasa Indonesia, English, minutes per visit, by video call
SERVICE_TYPES = [
    ("jht_verification", "Verifikasi klaim JHT", "JHT claim verification", 30, False),
    ("data_correction", "Perbaikan data peserta", "Participant data correction", 20, False),
    ("consultation", "Konsultasi", "Consultation", 15, False),
    ("complaint_follow_up", "Tindak lanjut pengaduan", "Complaint follow-up", 20, False),
    ("video_verification", "Verifikasi lewat video call", "Video-call verification", 20, True),
]


def seed(apps, schema_editor):
    ServiceType = apps.get_model("appointments", "ServiceType")
    for order, (code, name_id, name_en, minutes, video) in enumerate(SERVICE_TYPES):
        ServiceType.objects.update_or_create(
            code=code,
            defaults={
                "name_id": name_id,
                "name_en": name_en,
                "duration_minutes": minutes,
                "by_video_call": video,
                "sort_order": order,
            },
        )


def unseed(apps, schema_editor):
    ServiceType = apps.get_model("appointments", "ServiceType")
    ServiceType.objects.filter(code__in=[row[0] for row in SERVICE_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_branch_services_hours_appointments")]

    operations = [migrations.RunPython(seed, unseed)]
