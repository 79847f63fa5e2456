#!/usr/bin/env python3
"""CI: each file of the test executables' unity batches compiles on its own.

Usage: compile_each.py BUILD_DIR

The unity build (tests/CMakeLists.txt) compiles a module's test files as one translation unit,
so a file that uses a header an earlier file of its batch includes, without including it
itself, still compiles there; built one by one (-DAUDISP_EQL_UNITY_TESTS=OFF) it would not.
This finds such a file without a second build: for every file a batch in
BUILD_DIR/compile_commands.json includes, it runs the batch's own compile command (the same
compiler, flags, defines and include paths) on that file alone with -fsyntax-only, which stops
after the front end (no code is generated, nothing is written). Runs as many compiles at once as
there are CPUs (clang_tidy.py's runner). Exit status 1, with the compiler's messages, when any
file does not compile.
"""

import json
import os
import resource
import shlex
import sys
import time

from clang_tidy import UNITY_SOURCE, run_in_parallel, unity_includes

# Options that name an output or a dependency file of the batch: not wanted for a syntax check.
OUTPUT_OPTIONS = {"-o", "-MF", "-MT", "-MQ"}
DROPPED_FLAGS = {"-c", "-MD", "-MMD"}


def syntax_only_command(entry, source):
    """entry's compile command, on source alone and stopping after the front end."""
    arguments = entry.get("arguments") or shlex.split(entry["command"])
    command = []
    skip_next = False
    for argument in arguments:
        if skip_next:
            skip_next = False
        elif argument in OUTPUT_OPTIONS:
            skip_next = True
        elif argument in DROPPED_FLAGS:
            pass
        elif argument == entry["file"] or os.path.join(entry["directory"], argument) == entry[
                "file"]:
            command.append(source)
        else:
            command.append(argument)
    if source not in command:
        sys.exit(f"compile_each.py: the command of {entry['file']} does not name it")
    return command + ["-fsyntax-only"]


def main():
    build_dir = sys.argv[1]
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as database:
        batches = [entry for entry in json.load(database) if UNITY_SOURCE.search(entry["file"])]
    if not batches:
        sys.exit(f"compile_each.py: no unity batch in {build_dir}/compile_commands.json")
    jobs = [(source, syntax_only_command(batch, source), batch["directory"]) for batch in batches
            for source in unity_includes(batch["file"])]
    print(f"compile_each: {len(jobs)} files of {len(batches)} unity batches, one by one",
          flush=True)
    start = time.monotonic()
    failed = run_in_parallel(jobs)
    for source in failed:
        print(f"does not compile on its own: {source}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"compile_each: {len(jobs) - len(failed)} of {len(jobs)} files compile on their own "
          f"({time.monotonic() - start:.0f} s, {children.ru_utime + children.ru_stime:.0f} CPU-s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
