"""{% hole "name" %} … {% endhole %}: a part of a page that depends on the viewer.

Rendered normally it is just its content. While courses.pageshell renders a page's shared
shell it is a marker instead, and its content is rendered per request.
"""

from django import template
from django.template.base import TemplateSyntaxError

from courses import pageshell

register = template.Library()


class HoleNode(template.Node):
    def __init__(self, nodelist, key: tuple[str, str]):
        self.nodelist = nodelist
        self.key = key
        pageshell.HOLES[key] = self

    def render(self, context):
        holes = pageshell.in_shell_mode(context)
        if holes is None:
            return self.nodelist.render(context)
        holes.append(self.key)
        return pageshell.hole_marker(len(holes) - 1)


@register.tag
def hole(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise TemplateSyntaxError('Use {% hole "name" %}.')
    name = bits[1][1:-1]
    template_name = getattr(parser.origin, "template_name", None)
    if not template_name:
        raise TemplateSyntaxError("{% hole %} works only in a template loaded by name.")
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist, (template_name, name))
