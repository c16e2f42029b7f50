"""A link's values are shown as text: Markdown in a Train link renders literally, fetches nothing."""

from urllib.parse import urlencode

from devtools.live import ROOT, needs_chromium, open_page, screenshot
from ui.display import literal

pytestmark = needs_chromium

HOSTILE = {  # each under the 40 characters a note quotes
    "hidden": "**bold** [link](http://evil.example/)",
    "lr": "![i](http://127.0.0.1:9/beacon.png)",
    "epochs": ":red[red] <b>tag</b> `code``",
    "seed": "$x^2$ # _it_ ~~s~~ :smile:",
    "batch": "www.evil.example http://x.example",
}


def test_literal_escapes_every_markdown_sign():
    assert literal("**a** [b](c)") == "`**a** [b](c)`"
    assert literal("two\nlines") == "`two lines`"
    assert literal("a `b` ``c") == "```a `b` ``c```"
    assert literal("`edge`") == "`` `edge` ``"


def test_markdown_in_a_link_is_shown_as_typed(server, page):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    query = urlencode(HOSTILE)
    open_page(page, f"{server}/Train?{query}", "Train")
    alert = page.locator("[data-testid='stAlert']", has_text="Some settings in the link were changed")
    alert.wait_for(timeout=30_000)
    text = alert.inner_text()
    for value in HOSTILE.values():
        assert value in text  # every sign as typed
    for tag in ("strong", "a", "img", "b", "em", "del", "span.katex"):
        assert alert.locator(tag).count() == 0, tag
    assert not [url for url in fetched if url.startswith("http://127.0.0.1:9/")]  # the image's beacon
    screenshot(page, "url-markdown-literal")


def test_a_model_file_name_is_shown_as_typed(server, page):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    open_page(page, f"{server}/Train", "Train")
    name = "![i](http://127.0.0.1:9/beacon.png) **x**.npz"
    model = (ROOT / "assets" / "models" / "digits.npz").read_bytes()
    page.locator("input[type='file']").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": model}
    )
    page.get_by_text("Loaded").first.wait_for(timeout=60_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text(name).wait_for(timeout=30_000)  # the model's label, as typed
    for where in (sidebar, page.locator("[data-testid='stAlert']")):
        assert where.locator("img, a[href*='127.0.0.1:9'], strong:has-text('x')").count() == 0
    assert not [url for url in fetched if url.startswith("http://127.0.0.1:9/")]
