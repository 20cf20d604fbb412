from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    """mapping[key] in a template, '' when absent."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
