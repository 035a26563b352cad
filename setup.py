"""The chat page lives in web/ at the top of the repository; the wheel carries it as advisor/web.

Everything else about the build is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithWeb(build_py):
    """build_py, plus web/ (templates and static files) copied into the package."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:  # an editable install serves web/ from the checkout
            shutil.copytree(Path(__file__).parent / "web", Path(self.build_lib) / "advisor" / "web",
                            dirs_exist_ok=True)  # fmt: skip


setup(cmdclass={"build_py": BuildWithWeb})
