"""``{% kept %}``: a template fragment rendered once per process for each value of its key.

The page frame (``base.html``: the head, the header with the language switch, the footer)
is the same on every page for a given language and login state, yet rendering it took
about a millisecond of every request: a dozen ``{% static %}`` and ``{% url %}`` lookups,
the language list and twenty translated strings. ``{% kept LANGUAGE_CODE %}...{% endkept %}``
renders its content the first time a key is met and then returns the same string::

    {% load kept %}
    {% kept LANGUAGE_CODE user.is_authenticated %}<footer>...</footer>{% endkept %}

The key is the list of expressions after the tag name, resolved in the page's context.
**Everything the content reads from the context must be in the key**: anything else (a
CSRF token, ``request.get_full_path``, a user's name, messages) would be shown to the
next visitor whose key is the same. Keep such values outside the fragment.

The rendered strings live on the template's own node, so a template that is loaded again
(a changed file under the development server, a test's override of the loaders) starts
empty; a node keeps at most ``MAX_KEYS`` strings and starts again when it is full.
Setting ``KEPT_FRAGMENTS = False`` renders every fragment each time (the tests compare
both ways byte for byte).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.loader_tags import BlockNode

register = template.Library()

#: Strings one fragment keeps at most (languages x login states x a few flags).
MAX_KEYS = 64


class KeptNode(template.Node):
    """The ``{% kept %}`` node: ``nodelist`` rendered once per resolved ``key`` (a tuple of
    ``FilterExpression``); the strings are in ``self.rendered``.

    Its content is hidden from ``get_nodes_by_type``, which Django runs over the parent
    template on every render of a page that extends it (to find the ``{% block %}`` tags):
    a kept fragment holds no block (``kept`` refuses one), so there is nothing to find.
    """

    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, key: list[template.base.FilterExpression]):
        self.nodelist = nodelist
        self.key = key
        self.rendered: dict[tuple, str] = {}

    def render(self, context: template.Context) -> str:
        if not settings.KEPT_FRAGMENTS:
            return self.nodelist.render(context)
        key = tuple(expression.resolve(context) for expression in self.key)
        found = self.rendered.get(key)
        if found is None:
            found = self.nodelist.render(context)
            if len(self.rendered) >= MAX_KEYS:
                self.rendered.clear()
            self.rendered[key] = found
        return found


@register.tag("kept")
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """``{% kept expr1 expr2 ... %}...{% endkept %}`` (see the module's docstring).

    Raises ``TemplateSyntaxError`` when no key is given (a fragment shared by every page in
    every language is never what is meant) or when the fragment holds a ``{% block %}``.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a key, such as LANGUAGE_CODE")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A block's content comes from the page that extends the template: it cannot be kept.
        raise template.TemplateSyntaxError(f"'{bits[0]}' cannot hold a {{% block %}}")
    return KeptNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])
