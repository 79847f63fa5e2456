#!/usr/bin/env python3
"""The plugin modules can compile as unity builds (-DAUDISP_EQL_UNITY_PLUGIN=ON, CI's gcc and
clang ASan builds), where a module's .cpp files share one translation unit and so one anonymous
namespace. Two files' file-local helpers of the same name then meet: the same signature fails to
compile, but overloads (render(const CefParts&) beside render(const TextParts&)) compile and
could quietly take each other's calls. So every name a file defines at the top of an anonymous
namespace, or as a static function at namespace scope, is unique within its module.

Reads clang-formatted sources (namespaces are not indented): a declaration at column 0 inside a
'namespace {' ... '}  // namespace' block, or a line starting with 'static', names a file-local
entity (function, type, alias, constant). Exit status 1, naming the clashing files, when a name is
defined by more than one file of a module.

Usage: check_unity_plugin_names.py SOURCE...  (the plugin modules' sources, from CMake)
"""

import collections
import pathlib
import re
import sys

# The declared name: after struct/class/enum/union, before '=' of an alias, or the last identifier
# before '(', '=', '{', '[' or ';' (a function, a constant, a variable).
TYPE_NAME = re.compile(r"^(?:template\s*<.*>\s*)?(?:struct|class|enum(?:\s+class)?|union)\s+"
                       r"(?:\[\[\w+\]\]\s+)?([A-Za-z_]\w*)")
ALIAS_NAME = re.compile(r"^using\s+([A-Za-z_]\w*)\s*=")
OTHER_NAME = re.compile(r"^(?!return\b|namespace\b|using\b|template\b)[^(={\[;]*?([A-Za-z_]\w*)\s*"
                        r"(?:\(|=|\{|\[|;)")


def declared_name(line):
    """The name a column-0 declaration line defines, or None."""
    for pattern in (TYPE_NAME, ALIAS_NAME, OTHER_NAME):
        if match := pattern.match(line):
            name = match.group(1)
            return None if name.startswith("operator") else name
    return None


def file_local_names(path):
    """The names path defines in its anonymous namespaces and as static functions."""
    names = set()
    depth = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("namespace {"):
            depth += 1
        elif depth and line.startswith("}  // namespace") and "namespace " not in line[15:]:
            depth -= 1
        elif line[:1].isalpha() and (depth or line.startswith("static ")):
            if name := declared_name(line.removeprefix("static ").removeprefix("inline ")):
                names.add(name)
    return names


def clashes(sources):
    """(module, name, files) for every name defined by more than one file of a module."""
    defined = collections.defaultdict(lambda: collections.defaultdict(list))
    for path in sources:
        for name in file_local_names(path):
            defined[path.parent.name][name].append(path.name)
    return [(module, name, sorted(files)) for module, names in sorted(defined.items())
            for name, files in sorted(names.items()) if len(files) > 1]


def main():
    sources = [pathlib.Path(arg) for arg in sys.argv[1:]]
    if not sources:
        print("no source file given")
        return 1
    found = clashes(sources)
    for module, name, files in found:
        print(f"plugin/{module}: '{name}' is file-local in {', '.join(files)}")
    modules = len({path.parent.name for path in sources})
    print(f"{len(sources)} sources of {modules} modules checked, {len(found)} file-local names "
          "defined twice in a module")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
