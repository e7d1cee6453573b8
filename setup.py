"""Compiles the translation catalogues into every build, so an installed package (not only
`make run`) answers in English when asked: the .mo files are generated, never committed."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogues(root: Path) -> None:
    for po_path in (root / "core" / "translations").glob("*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        compile_catalogues(Path(__file__).resolve().parent)
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
