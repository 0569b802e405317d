"""The page served at / until the practice UI lands: what is installed and how to use it now."""

from __future__ import annotations

from html import escape

from coach.services.records import LibraryStats, ScenarioSummary

_LANG = {"en": "English", "zh": "中文"}
_MODE = {
    "readalong": "Read-along · 跟读",
    "recitation": "Recitation · 背诵",
    "scripted": "Scripted dialogue · 智能对练",
    "freeform": "AI customer · AI客户",
}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:0;background:#f6f7fb;color:#1d2330}
header{background:#1f3a5f;color:#fff;padding:28px 40px}
header h1{margin:0;font-size:28px}header p{margin:6px 0 0;opacity:.85}
main{max-width:980px;margin:24px auto;padding:0 24px}
.notice{background:#fff8e1;border:1px solid #f0d58a;border-radius:8px;padding:14px 18px;margin-bottom:20px}
.stats{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:20px}
.stat{background:#fff;border-radius:8px;padding:12px 18px;box-shadow:0 1px 3px rgba(0,0,0,.08);min-width:110px}
.stat b{display:block;font-size:24px;color:#1f3a5f}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
th,td{text-align:left;padding:10px 14px;border-bottom:1px solid #eceff4;vertical-align:top}
th{background:#eef2f8;font-size:13px;text-transform:uppercase;letter-spacing:.03em}
code{background:#eef2f8;padding:1px 5px;border-radius:4px}
td code{white-space:nowrap}
.mode{display:inline-block;background:#e7f0fb;color:#1f3a5f;border-radius:10px;padding:1px 8px;margin:1px;font-size:12px}
footer{color:#667;font-size:13px;margin:24px 0}
"""


def render_placeholder(
    *, stats: LibraryStats, scenarios: list[ScenarioSummary], version: str, dev_mode: bool
) -> str:
    """Render the placeholder home page as HTML."""
    rows = (
        "\n".join(
            "<tr><td><code>{id}</code></td><td>{title}</td><td>{lang}</td><td>{points}</td>"
            "<td>{modes}</td></tr>".format(
                id=escape(s.id),
                title=escape(s.title),
                lang=_LANG.get(s.language, escape(s.language)),
                points=s.key_points,
                modes="".join(
                    f'<span class="mode">{escape(_MODE.get(m, m))}</span>' for m in s.modes
                ),
            )
            for s in scenarios
        )
        or '<tr><td colspan="5">No scenarios yet: run <code>coach init</code>.</td></tr>'
    )
    demo = (
        "<p>Dev mode: the demo accounts listed in the README (rep, trainer, manager, admin) can log in.</p>"
        if dev_mode
        else ""
    )
    stat_items = [
        ("scenarios", "scenarios · 场景"),
        ("personas", "personas · 客户画像"),
        ("clips", "clips · 剪辑"),
        ("users", "users · 用户"),
    ]
    stat_html = "".join(
        f'<div class="stat"><b>{getattr(stats, key)}</b>{escape(label)}</div>'
        for key, label in stat_items
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coach · AI sales-practice coach</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>
<body><header><h1>coach</h1>
<p>AI sales-practice coach · AI 销售陪练 — practise calls, get scored on the SOP, learn from top performers.</p>
</header><main>
<div class="notice" role="status"><strong>The practice UI is on its way.</strong>
This installation is set up and its content is loaded; the voice practice screens, scorecards
and the clip library arrive in the next releases. Until then, use the command line:
<code>coach scenarios list</code>, <code>coach scenarios validate seeds/</code>,
<code>coach users list</code>.<br>练习界面即将上线；当前可使用命令行。{demo}</div>
<div class="stats">{stat_html}</div>
<table><thead><tr><th>id</th><th>scenario · 场景</th><th>language</th><th>key points</th>
<th>practice modes</th></tr></thead><tbody>{rows}</tbody></table>
<footer>coach {escape(version)} · offline by default · API: <a href="/api/health">/api/health</a>,
<a href="/api/scenarios">/api/scenarios</a></footer>
</main></body></html>"""
