"""How every Django form in the portal renders (settings.FORM_RENDERER)."""

from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Forms and fields through the portal's templates (templates/forms/), so `{{ form }}` and
    `{{ field.as_field_group }}` give a label without a colon, help text, errors next to the
    control and the control, with Django's aria-describedby / aria-invalid. Widgets come from
    the project templates first: templates/django/forms/widgets/select_option.html turns the
    stock "---------" empty choice into "Choose one" everywhere, so no form has to remember it.
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
