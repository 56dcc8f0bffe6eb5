"""Packaging (issue 10 item 6): a wheel works outside the checkout, the project's
configuration names only things that exist, and `make lab` registers the kernel the
notebooks ask for."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import nbformat
import pytest

from analysis.core import paths
from builders import valid_extract

ROOT = paths.checkout()
pytestmark = pytest.mark.skipif(ROOT is None, reason="needs the checkout")


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_pyproject_names_only_things_that_exist():
    data = pyproject()
    tool = data["tool"]
    assert (ROOT / data["project"]["readme"]).is_file()
    for where in tool["setuptools"]["packages"]["find"]["where"]:
        assert (ROOT / where).is_dir(), where
    for package, globs in tool["setuptools"]["package-data"].items():
        base = ROOT / "src" / package.replace(".", "/")
        for pattern in globs:
            assert list(base.glob(pattern)), f"package-data {package}:{pattern} matches nothing"
    for name, target in data["project"]["scripts"].items():
        module, func = target.split(":")
        assert hasattr(__import__(module, fromlist=[func]), func), target
    ini = tool["pytest"]["ini_options"]
    for path in ini["testpaths"]:
        assert (ROOT / path).is_dir(), path
    declared = {m.split(":")[0].strip() for m in ini["markers"]}
    used = set()
    for test in (ROOT / "tests").rglob("*.py"):
        used |= set(re.findall(r"mark\.([a-z_]+)", test.read_text()))
    assert declared <= used, f"markers declared but never used: {declared - used}"
    for rule in ini.get("filterwarnings", []):
        module = rule.split(":")[3].rstrip(".*") if rule.count(":") >= 3 else ""
        if module:
            __import__(module)
    # any file named in the text (comments included) exists
    for named in re.findall(r"(?<![\w/.])((?:tests|src|docs|data|notebooks)/[\w./-]+\.\w+)",
                            (ROOT / "pyproject.toml").read_text()):
        assert (ROOT / named).exists(), named


def test_make_lab_registers_the_kernel_the_notebooks_name():
    make = (ROOT / "Makefile").read_text()
    lab = make[make.index("\nlab:"):].split("\n\n")[0]
    names = re.findall(r"ipykernel install .*--name (\S+)", lab)
    assert len(names) == 1
    for nb in sorted(paths.notebooks_dir().glob("*.ipynb")):
        assert nbformat.read(nb, as_version=4).metadata["kernelspec"]["name"] == names[0], nb.name


def source_tree(target: Path) -> Path:
    """The files a clone holds (tracked, plus new files not ignored), copied elsewhere so
    that building leaves no build/ or egg-info in the checkout."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if src.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
    return target


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ANALYSIS_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return env | extra


@pytest.mark.slow
def test_wheel_works_outside_the_checkout(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the source files")
    src = source_tree(tmp_path / "bron")
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "--quiet", "-w", str(dist), str(src)], check=True, env=clean_env(), timeout=600)
    wheel, = dist.glob("analysis-*.whl")

    # a fresh environment: the wheel installed into it, its dependencies borrowed from this one
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # --target, not --prefix: with --prefix pip uninstalls the package from the running environment
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(site), str(wheel)], check=True, env=clean_env(), timeout=600)
    # a plain path line: this environment's packages, but not its editable link to the checkout
    (site / "zz_afhankelijkheden.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # ... and the data files nbconvert installs beside them (its export templates)
    (venv / "share" / "jupyter").mkdir(parents=True)
    (venv / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")

    work = tmp_path / "werkmap"
    work.mkdir()
    extract = valid_extract(work / "extract")
    env = clean_env(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")

    def run(*args, timeout=600):
        return subprocess.run([str(py), *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout)

    where = run("-c", "import json; from analysis.core import paths; import analysis; print(json.dumps("
                "[analysis.__file__, str(paths.checkout()), str(paths.reference_dir()), str(paths.notebooks_dir()),"
                " str(paths.synthetic_manifest()), str(paths.project_root())]))")
    assert where.returncode == 0, where.stderr
    module, checkout, reference, notebooks, manifest, root = json.loads(where.stdout)
    for p in (module, reference, notebooks, manifest):
        assert Path(p).resolve().is_relative_to(venv.resolve()), p
        assert Path(p).exists(), p
    assert checkout == "None" and Path(root) == work.resolve()
    assert Path(manifest).read_bytes() == (ROOT / "data/raw/synthetisch.sha256").read_bytes()

    res = run("-m", "analysis", "validate", "--extract", str(extract))
    assert res.returncode == 0, res.stderr
    assert "Extract in orde" in res.stdout

    res = run("-m", "analysis", "run", "--extract", str(extract), "--jobs", "2")
    assert res.returncode == 0, res.stderr
    report = work / "reports" / "2024-05-01"
    assert (report / "index.html").is_file() and (report / "verificatie.csv").is_file()
    herkomst = json.loads((report / "herkomst.json").read_text())
    assert herkomst["code"]["commit"].startswith("geïnstalleerd pakket")
    assert (work / "data" / "derived").is_dir()  # working folders under the current folder
