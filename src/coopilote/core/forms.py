from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form gets an error summary, visible "required" markers and described fields."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
