#!/usr/bin/env python3
"""The test files of a module compile as one translation unit (unity build, tests/CMakeLists.txt).

So that no test file can see or clash with another one's helpers, using-directives and
namespace aliases, each tests/<module>/test_*.cpp has only #include lines and comments at file
scope, then its whole body in a namespace named after the file. Exit status 1, naming the file
and what is wrong, when one does not.

Usage: check_unity_namespaces.py TESTS_DIR MODULE...
"""

import pathlib
import sys


def problem(path):
    """What is wrong with path's layout, or None."""
    lines = path.read_text(encoding="utf-8").splitlines()
    opening = f"namespace {path.stem} {{"
    closing = f"}}  // namespace {path.stem}"
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if text == opening:
            break
        if text and not text.startswith(("#include", "//")):
            return f"line {number}: file-scope code before '{opening}'"
    else:
        return f"no '{opening}' line"
    body = [line for line in lines if line.strip()]
    if body[-1] != closing:
        return f"the last line is not '{closing}'"
    return None


def main():
    tests_dir = pathlib.Path(sys.argv[1])
    checked = 0
    failures = []
    for module in sys.argv[2:]:
        for path in sorted((tests_dir / module).glob("test_*.cpp")):
            checked += 1
            what = problem(path)
            if what:
                failures.append(f"{path}: {what}")
    for failure in failures:
        print(failure)
    if checked == 0:
        print("no test file found")
        return 1
    print(f"{checked} test files checked, {len(failures)} without a namespace of their own")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
