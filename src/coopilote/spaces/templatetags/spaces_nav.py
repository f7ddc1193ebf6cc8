from django import template

register = template.Library()


@register.filter
def among(value: str | None, names: str) -> bool:
    """``url_name|among:"a b c"``: exact membership in a space-separated list of names."""
    return value in names.split()
