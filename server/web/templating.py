"""Jinja2 environment, and `page`: the one way a handler renders HTML (whole page or htmx fragment)."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterator, MutableMapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, nodes, pass_eval_context, select_autoescape
from jinja2 import Template as JinjaTemplate
from jinja2 import TemplateNotFound as JinjaTemplateNotFound
from jinja2.compiler import CodeGenerator, Frame
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from litestar import MediaType, Request
from litestar.exceptions import TemplateNotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig
from markupsafe import Markup, escape

from server import codes, privacy
from server.accounts.roles import Role
from server.accounts.sessions import CurrentUser, clear_flash
from server.clock import local_date, local_time
from server.i18n import LOCALES, current_locale, gettext, ngettext, translations
from server.media.images import MAX_BYTES as PHOTO_MAX_BYTES
from server.monitoring.rows import rate_bar, rate_cells
from server.numbers import money, whole_percent
from server.once import once_input
from server.settings import ROOT, get_settings
from server.visits.cells import measures_text
from server.web.assets import static_url
from server.web.navigation import NAVIGATION, NavItem
from server.web.offline import KEEPING_HEADER
from server.web.widgets import UNESCAPED_TYPES, bar, chip, chip_select, date_range, options, sort_th, urlencode

DICT_ATTRIBUTES = frozenset(dir(dict))


class TemplateCode(CodeGenerator):
    """jinja2's compiler, but an inline if without an else (`{{ ' checked' if on }}`) gives '' when false, as it
    renders, instead of making an Undefined object with its message each time (a few per list row, 127 in all)."""

    def visit_CondExpr(self, node: nodes.CondExpr, frame: Frame) -> None:  # noqa: N802 -- jinja2 calls it so
        if node.expr2 is None:
            node = nodes.CondExpr(node.test, node.expr1, nodes.Const(""), lineno=node.lineno)
        super().visit_CondExpr(node, frame)


class ImportingTemplate(JinjaTemplate):
    """jinja2's Template, with a cheaper check at each `{% from ... import ... %}` without context: whether the
    importing template has globals the imported one lacks (jinja2 then builds the module anew with them, else it
    takes the one built once). jinja2 asks `ctx.globals_keys - self.globals.keys()`, a ChainMap lookup in Python per
    global (27 of them: 15-35 µs an import; the visit form and the register make two a page); the same difference
    taken over the ChainMap's dicts runs in C (2-4 µs), and the answer is the same."""

    def _get_default_module(self, ctx: Context | None = None) -> Any:
        if ctx is not None:
            maps = self.globals.maps if isinstance(self.globals, ChainMap) else [self.globals]
            if not ctx.globals_keys.difference(*maps):
                ctx = None  # no globals of its own: the module built once
        return super()._get_default_module(ctx)


class RowEnvironment(Environment):
    """Templates read query rows (dicts) as `row.code`: jinja2 tries the attribute first, so each such lookup raised
    and caught an AttributeError before reading the key (the largest item of a list page's template time). A dict
    is read by key first here; names of dict methods (`items`, `get`, ...) and everything else as jinja2 does, in
    this one call (through `super()` a dataclass's field cost twice as much: a tenth of the coverage page's CPU)."""

    code_generator_class = TemplateCode
    template_class = ImportingTemplate

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals. jinja2 lays a template's own over the environment's in a ChainMap, and each render
        copies that into the page's context: in Python, a lookup per global (31) that first misses the template's
        own empty map (30-60 µs a page). No template here has globals of its own: such a template reads the
        environment's dict itself (the same names and values, also those set after it was loaded: `icons`)."""
        return self.globals if not d else super().make_globals(d)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


OPENING = frozenset({"lparen", "lbracket", "lbrace"})
CLOSING = frozenset({"rparen", "rbracket", "rbrace"})


class CompiledMessages(Extension):
    """`_("literal")` and `_("literal", name=value, ...)` are translated when the template is compiled, in the
    environment of one language (`environment_for`): a constant message becomes text jinja2 writes into the compiled
    template like the HTML around it, one with variables `_filled("translation", {"name": value})` (`filled`
    escapes the values, as `template_gettext` does). A list row showed ten or so labels (its `data-label`s), each a
    call per row; the profile of the lists put those calls at a tenth to a fifth of the page. A constant message with
    a `%` sign, and a message that is not a literal (`_(error)`), stay calls, translated per request as before."""

    CALLS = frozenset({"_", "gettext"})

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        locale: str | None = getattr(self.environment, "message_locale", None)
        if locale is None:
            yield from stream
            return
        before = ""  # the previous token's type: `x._("...")` is not our call
        tokens = iter(stream)
        for token in tokens:
            if token.type == "name" and token.value in self.CALLS and before != "dot":
                call = [token, *_through_closing(tokens)]
                yield from self._translated(call, locale) or call
                before = call[-1].type
            else:
                yield token
                before = token.type

    def _translated(self, call: list[Token], locale: str) -> list[Token] | None:
        """The tokens of the translated message for `_ ( "literal" [, name=value]... )`, else None."""
        inner = call[2:-1]
        if len(call) < 4 or call[1].type != "lparen" or call[-1].type != "rparen" or inner[0].type != "string":
            return None
        text = str(translated_markup(locale, inner[0].value))
        line = call[0].lineno
        safe = [_token(line, "lparen"), Token(line, "string", text), _token(line, "pipe")]
        safe += [Token(line, "name", "safe"), _token(line, "rparen")]
        if len(inner) == 1:
            return None if "%" in text else safe
        if inner[1].type != "comma":
            return None
        variables: list[Token] = []
        for argument in _split_arguments(inner[2:]):
            if len(argument) < 3 or argument[0].type != "name" or argument[1].type != "assign":
                return None
            variables += [Token(line, "string", argument[0].value), _token(line, "colon"), *argument[2:]]
            variables.append(_token(line, "comma"))
        return [Token(line, "name", "_filled"), _token(line, "lparen"), Token(line, "string", text),
                _token(line, "comma"), _token(line, "lbrace"), *variables, _token(line, "rbrace"),
                _token(line, "rparen")]  # fmt: skip


def _token(line: int, kind: str) -> Token:
    return Token(line, kind, {"lparen": "(", "rparen": ")", "lbrace": "{", "rbrace": "}", "pipe": "|", "mod": "%",
                              "colon": ":", "comma": ","}[kind])  # fmt: skip


def _through_closing(tokens: Iterator[Token]) -> list[Token]:
    """The tokens after a call's name up to its closing parenthesis (or the end of the expression)."""
    taken: list[Token] = []
    depth = 0
    for token in tokens:
        taken.append(token)
        if token.type in OPENING:
            depth += 1
        elif token.type in CLOSING:
            depth -= 1
        if depth <= 0 or token.type in ("variable_end", "block_end"):
            break
    return taken


def _split_arguments(tokens: list[Token]) -> list[list[Token]]:
    """Keyword arguments split at the commas outside brackets; a trailing comma leaves an empty last one."""
    arguments: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.type == "comma" and depth == 0:
            arguments.append([])
            continue
        depth += (token.type in OPENING) - (token.type in CLOSING)
        arguments[-1].append(token)
    return arguments


def build_environment() -> Environment:
    env = RowEnvironment(
        loader=FileSystemLoader(ROOT / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n", CompiledMessages],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=get_settings().debug,  # else every render looks at each template file's mtime
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        gettext=template_gettext,
        _=template_gettext,
        _filled=filled,
        codes=codes,
        current_locale=current_locale.get,
        static_url=static_url,
        role_label=lambda code: Role(code).label,
        photo_max_bytes=PHOTO_MAX_BYTES,
        measures_line=measures_text,
        once_input=once_input,
        bar=bar,
        sort_th=sort_th,
        date_range=date_range,
        chip=chip,
        chip_select=chip_select,
        options=options,
        rate_bar=rate_bar,  # the monitoring pages' and the county's home's rates
        rate_cells=rate_cells,
    )
    env.globals["icons"] = navigation_icons(env)
    env.globals["bottom_nav"] = bottom_navigation(env)
    # Eleven static_url calls per page, 3-4 µs each through jinja2's call: the same links for every page.
    env.globals["head_assets"] = Markup(env.get_template("_head_assets.html").render())  # noqa: S704 -- ours
    env.filters.update(
        mask_id=privacy.mask_id_number,
        mask_phone=privacy.mask_phone,
        mask_bank=privacy.mask_bank_account,
        local_time=local_time,
        local_date=local_date,
        percent_of=lambda part, whole: whole_percent(part or 0, whole or 0),
        money=money,
        urlencode=urlencode,  # jinja2's own, the same text, faster for a dict of filters (server.web.widgets)
    )
    return env


def navigation_icons(env: Environment) -> dict[str, Markup]:
    """The navigation's icons (templates/_icons.html) drawn once: the bottom bar showed five per page, a macro call
    each (45 µs a page)."""
    draw = env.get_template("_icons.html").module.icon  # type: ignore[attr-defined]
    names = {item.icon for items in NAVIGATION.values() for item in items}
    return {name: Markup(draw(name)) for name in names}  # noqa: S704 -- our own template's output


def bottom_navigation(env: Environment) -> Callable[[tuple[NavItem, ...], str], Markup]:
    """The bottom navigation (templates/_bottom_nav.html) of a role's entries on a page's path, drawn once per role,
    language and active entry: it depends on nothing else, and its loop of five entries cost 50 µs on every page."""
    template = env.get_template("_bottom_nav.html")

    def draw(items: tuple[NavItem, ...], locale: str, active: tuple[bool, ...]) -> Markup:
        return Markup(template.render(entries=tuple(zip(items, active, strict=True))))  # noqa: S704 -- our own template's output

    drawn = draw if env.auto_reload else lru_cache(maxsize=256)(draw)  # while templates are edited, drawn anew

    def bottom_nav(items: tuple[NavItem, ...], path: str) -> Markup:
        return drawn(items, current_locale.get(), tuple(item.is_active(path) for item in items))

    return bottom_nav


@lru_cache(maxsize=8192)
def translated_markup(locale: str, message: str) -> Markup:
    """A message as a template shows it: translated and marked safe (catalogs are read once per process)."""
    return Markup(translations(locale).gettext(message))  # noqa: S704 -- our own catalog, as jinja2 marks it


def filled(text: str, variables: dict[str, Any]) -> Markup:
    """A translation (trusted markup) with its `%(name)s` placeholders filled by the values escaped: what
    `Markup(text) % variables` gives, without the helper object markupsafe wraps round each value (2-3 µs less a
    sentence; a coverage row has four, for screen readers)."""
    escaped = {key: value if isinstance(value, UNESCAPED_TYPES) else escape(value) for key, value in variables.items()}
    return Markup(str.__mod__(text, escaped))  # noqa: S704 -- the catalog's text, the values escaped


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, message: str, **variables: Any) -> str:
    """`_()` and `{% trans %}` in templates: what jinja2's newstyle gettext does (translate, mark safe, format with
    escaped variables), without formatting a message that has neither variables nor a % sign, and with the
    translation kept: the profile of a list page showed jinja2's version spending a tenth of the page in Markup.
    It takes the evaluation context, all it reads: given the template's context, jinja2 derived a new context for each
    call made inside a loop or block that sets a variable (5 µs; the navigation's five labels were 34 µs a page)."""
    if not eval_ctx.autoescape:
        return gettext(message) % variables
    text = translated_markup(current_locale.get(), message)
    return filled(text, variables) if variables or "%" in text else text


def environment_for(base: Environment, locale: str) -> Environment:
    """The environment compiling the templates for one language: an overlay sharing the loader, globals and filters
    of `base`, with its own cache of compiled templates (each with its constant messages translated)."""
    overlay = base.overlay()
    overlay.message_locale = locale  # type: ignore[attr-defined]  # read by CompiledMessages
    return overlay


class LocaleTemplateEngine(JinjaTemplateEngine):
    """Litestar's jinja2 engine, taking each template from the environment of the request's language."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(directory=None, engine_instance=environment)
        self.by_locale = {locale: environment_for(environment, locale) for locale in LOCALES}

    def get_template(self, template_name: str) -> JinjaTemplate:
        environment = self.by_locale.get(current_locale.get())
        if environment is None:
            return super().get_template(template_name)
        try:
            return environment.get_template(template_name)
        except JinjaTemplateNotFound as missing:
            raise TemplateNotFoundException(template_name=template_name) from missing


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(engine=LocaleTemplateEngine(build_environment()))


def wants_fragment(request: Request[Any, Any, Any]) -> bool:
    """A targeted htmx request (not a boosted navigation, not a history restore) gets only the fragment."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request  # type: ignore[union-attr]


def shows_flash(request: Request[Any, Any, Any]) -> bool:
    """A whole page a person opens shows (and takes) the flash; a fragment or a page kept in the background not."""
    return not wants_fragment(request) and KEEPING_HEADER not in request.headers


async def page(
    request: Request[Any, Any, Any],
    template_name: str,
    *,
    status_code: int = 200,
    fragment: str | None = None,
    **context: Any,
) -> Template:
    """Render `template_name` as a whole page, or only `fragment` (a template) for targeted htmx requests."""
    user = request.scope.get("user")
    if isinstance(user, CurrentUser) and user.flash and shows_flash(request):
        await clear_flash(user.session_key)
    name = fragment if fragment and wants_fragment(request) else template_name
    headers = {"Vary": "HX-Request"}
    if request.method != "GET" and status_code >= 400:
        # A boosted form answered with its errors keeps the address of the page it was sent from: a reload then
        # opens that page again, never a GET of the form's action.
        headers["HX-Push-Url"] = "false"
    return Template(
        template_name=name,
        status_code=status_code,
        context={**base_context(request, user), **context},
        headers=headers,
        media_type=MediaType.HTML,  # every template is .html; else Litestar guesses it from the name (12 µs a page)
    )


def base_context(request: Request[Any, Any, Any], user: object) -> dict[str, Any]:
    current = user if isinstance(user, CurrentUser) else None
    return {
        "user": current,
        "nav": NAVIGATION.get(current.role, ()) if current else (),
        "path": request.url.path,
        "flash": current.flash if current and shows_flash(request) else None,
        "debug": get_settings().debug,
    }
