"""The UI, the CLI and the API only call services: they never import a backend library."""

import ast

import pytest

from tests.conftest import ROOT

FORBIDDEN = (
    "sqlalchemy",
    "chromadb",
    "langchain",
    "langchain_openai",
    "faster_whisper",
    "piper",
    "kokoro_onnx",
    "alembic",
)
EDGES = [
    *sorted((ROOT / "ui").rglob("*.py")),
    *sorted((ROOT / "coach" / "cli").rglob("*.py")),
    *sorted((ROOT / "coach" / "api").rglob("*.py")),
]


@pytest.mark.parametrize("path", EDGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_edges_do_not_import_backends(path):
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
            if node.module.startswith("coach.store"):
                imported.add("coach.store")
    assert not imported & {*FORBIDDEN, "coach.store"}, (
        f"{path} imports {imported & {*FORBIDDEN, 'coach.store'}}"
    )


def test_no_runtime_downloads_or_public_links():
    for path in [*ROOT.joinpath("coach").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")]:
        text = path.read_text()
        for needle in ("hf_hub_download", "snapshot_download", "share=True"):
            assert needle not in text, f"{path}: {needle}"
