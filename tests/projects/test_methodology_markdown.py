"""Markdown rendering for the methodology library: useful formatting in, nothing dangerous out."""

import re

import pytest

from projects.markdown_render import render_markdown

NASTY = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=/static/a.png onerror=alert(1)>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="java&#9;script:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="vbscript:msgbox(1)">click</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<form action="https://evil.example"><input name=p></form>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<body onload="alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<!-- <script>alert(1)</script> -->",
]


@pytest.mark.parametrize("payload", NASTY)
def test_nasty_payloads_lose_everything_executable(payload):
    html = str(render_markdown(f"Before\n\n{payload}\n\nAfter"))
    lowered = html.lower()
    assert "<script" not in lowered
    assert "javascript:" not in lowered.replace(" ", "")
    assert "vbscript:" not in lowered
    assert "data:text/html" not in lowered
    assert not re.search(r"\son[a-z]+\s*=", lowered), html
    for tag in (
        "<iframe",
        "<object",
        "<form",
        "<svg",
        "<math",
        "<style",
        "<meta",
        "<body",
        "<input",
    ):
        assert tag not in lowered
    assert "style=" not in lowered
    assert "Before" in html and "After" in html


def test_script_content_is_dropped_not_shown_as_text():
    assert "alert" not in str(render_markdown("<script>alert('x')</script>"))


def test_headings_lists_tables_code_and_links_survive():
    source = """# Stage gates

Use the **checklist** and *evidence*.

1. Open the review
2. Record each line

- Go
- Hold

| Decision | Effect |
|:---------|-------:|
| Go       | next   |

```python
print("hello")
```

See [the guide](https://pmo.example/guide) or [section](#stage-gates).
"""
    html = str(render_markdown(source))
    assert '<h2 id="md-stage-gates" class="h4">Stage gates</h2>' in html
    assert "<strong>checklist</strong>" in html and "<em>evidence</em>" in html
    assert "<ol>" in html and "<ul>" in html
    assert '<table class="table table-sm">' in html
    assert '<th align="left">Decision</th>' in html
    assert '<code class="language-python">' in html
    assert 'href="https://pmo.example/guide"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    # In-page links follow the prefixed heading ids.
    assert 'href="#md-stage-gates"' in html


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        ("![diagram](/static/img/gates.png)", True),
        ("![diagram](https://evil.example/track.png)", False),
        ("![diagram](//evil.example/track.png)", False),
        ('<img src="/\\evil.example/x.png">', False),
        ("![diagram](data:image/png;base64,AAAA)", False),
    ],
)
def test_images_only_from_this_site(source, kept):
    html = str(render_markdown(source))
    assert ("src=" in html) is kept, html


def test_code_classes_other_than_a_language_are_removed():
    html = str(render_markdown('<pre><code class="language-js evil">x</code></pre>'))
    assert 'class="language-js"' in html
    html = str(render_markdown('<code class="btn btn-danger">x</code>'))
    assert "class=" not in html


def test_empty_body_renders_nothing():
    assert str(render_markdown("")) == ""
