#!/usr/bin/env python3
"""The .cpp files of a test module compile as one translation unit (unity build,
tests/CMakeLists.txt), so each keeps its body in a namespace of its own.

So that no file can see or clash with another one's helpers, using-directives and namespace
aliases, every .cpp that joins a batch has only #include lines and comments at file scope, then
its whole body in a namespace named after the file:
- a test file tests/<module>/test_<name>.cpp: namespace test_<name>;
- any other file (a support file, whose header declares what the test files share):
  namespace <module>_<stem>, e.g. tests/alert/rsyslog.cpp: alert_rsyslog. Its header reopens
  that namespace in every file that includes it, so a support file has no using-directive at
  namespace scope: one would reach every file that used its namespace.
Exit status 1, naming the file and what is wrong, when one does not.

Usage: check_unity_namespaces.py SOURCE...  (the sources of the unity batches, from CMake)
"""

import pathlib
import sys


def own_namespace(path):
    """The namespace path's body must be in."""
    if path.stem.startswith("test_"):
        return path.stem
    return f"{path.parent.name}_{path.stem}"


def problem(path):
    """What is wrong with path's layout, or None."""
    name = own_namespace(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    opening = f"namespace {name} {{"
    closing = f"}}  // namespace {name}"
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
    if name != path.stem:
        for number, line in enumerate(lines, start=1):
            if line.startswith("using namespace "):
                return f"line {number}: a using-directive at the scope of namespace {name}"
    return None


def main():
    sources = [pathlib.Path(arg) for arg in sys.argv[1:]]
    failures = [f"{path}: {what}" for path in sources if (what := problem(path))]
    for failure in failures:
        print(failure)
    if not sources:
        print("no source file given")
        return 1
    print(f"{len(sources)} unity-batch sources checked, {len(failures)} without a namespace of "
          "their own")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
