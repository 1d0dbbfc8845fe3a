"""Helpers for the migrations that moved models between apps without touching their tables."""


def content_types_move(*, models: list[str], old_app: str, new_app: str):
    """A RunPython pair moving content types (and so permissions and admin history) to the
    app that now owns the models, and back on reverse."""

    def move(from_app, to_app):
        def run(apps, schema_editor):
            ContentType = apps.get_model("contenttypes", "ContentType")
            for model in models:
                if not ContentType.objects.filter(app_label=to_app, model=model).exists():
                    ContentType.objects.filter(app_label=from_app, model=model).update(
                        app_label=to_app
                    )

        return run

    return move(old_app, new_app), move(new_app, old_app)


def task_names_move(renames: dict[str, str]):
    """A RunPython pair renaming tasks still waiting in the outbox after their module moved."""

    def rename(pairs):
        def run(apps, schema_editor):
            OutboxMessage = apps.get_model("outbox", "OutboxMessage")
            for old, new in pairs.items():
                OutboxMessage.objects.filter(task_name=old).update(task_name=new)

        return run

    return rename(renames), rename({new: old for old, new in renames.items()})
