#!/usr/bin/env python3
"""CI's static analysis: clang-tidy-14 over every file the build compiles under plugin/ and tests/.

Usage: clang_tidy.py BUILD_DIR

Reads BUILD_DIR/compile_commands.json (a configured tree is enough). The test executables are
unity builds (tests/CMakeLists.txt), so their entries are CMake's generated batch sources, each
one #including a module's test files. clang-tidy looks for .clang-tidy from the main file's
folder, which for a batch is under BUILD_DIR and would give the root config (with the static
analyser) instead of tests/.clang-tidy; so batches get --config-file=tests/.clang-tidy (it
inherits the root config, found from the batch's folder up, as a test file's would). Before
running, this checks that the configuration each batch gets is exactly the one of the test files
it includes, and that every included file is a test file. Diagnostics in the included files are
reported through HeaderFilterRegex, and NOLINT comments in them apply as they do in a main file.
Exit status 1 on any warning or error (--warnings-as-errors='*'), output on stdout.
"""

import concurrent.futures
import json
import os
import re
import subprocess
import sys

TIDY = "clang-tidy-14"
# clang does not know gcc's -Wno-restrict.
COMMON_ARGS = ["--quiet", "--warnings-as-errors=*", "--extra-arg=-Wno-unknown-warning-option"]
IN_SCOPE = re.compile(r"/(plugin|tests)/")
UNITY_SOURCE = re.compile(r"/Unity/unity_[0-9]+_cxx\.cxx$")
UNITY_INCLUDE = re.compile(r'^#include "([^"]+)"$', re.MULTILINE)


def tidy_command(build_dir, source, config_file):
    command = [TIDY, "-p", build_dir, *COMMON_ARGS]
    if config_file:
        command.append("--config-file=" + config_file)
    return command + [source]


def effective_config(build_dir, source, config_file):
    """The configuration clang-tidy uses for source (checks, options, extra args), as YAML."""
    command = [TIDY, "-p", build_dir, "--dump-config"]
    if config_file:
        command.append("--config-file=" + config_file)
    return subprocess.run(command + [source], check=True, capture_output=True, text=True).stdout


def unity_includes(batch):
    with open(batch, encoding="utf-8") as text:
        return UNITY_INCLUDE.findall(text.read())


def check_batches(build_dir, batches, tests_config, tests_dir):
    """Every batch includes test files only, and gets exactly their configuration."""
    for batch in batches:
        included = unity_includes(batch)
        if not included:
            sys.exit(f"clang_tidy.py: {batch} includes no file")
        for source in included:
            if not source.startswith(tests_dir + os.sep):
                sys.exit(f"clang_tidy.py: {batch} includes {source}, not a file under tests/")
        expected = effective_config(build_dir, included[0], None)
        actual = effective_config(build_dir, batch, tests_config)
        if actual != expected:
            sys.exit(f"clang_tidy.py: {batch} would not get the configuration of {included[0]}:\n"
                     f"--- expected\n{expected}--- got\n{actual}")


def run(job):
    name, command, directory = job
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True)
    return name, result.returncode, result.stdout + result.stderr


def run_in_parallel(jobs):
    """Runs (name, command, directory) jobs, as many at once as there are CPUs, in order;
    prints what each one says and returns the names of those that failed."""
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        for name, status, output in pool.map(run, jobs):
            if output.strip():
                print(output, end="" if output.endswith("\n") else "\n", flush=True)
            if status != 0:
                failed.append(name)
    return failed


def main():
    build_dir = sys.argv[1]
    source_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tests_dir = os.path.join(source_dir, "tests")
    tests_config = os.path.join(tests_dir, ".clang-tidy")
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as database:
        sources = sorted({entry["file"] for entry in json.load(database)})
    sources = [source for source in sources if IN_SCOPE.search(source)]
    batches = [source for source in sources if UNITY_SOURCE.search(source)]
    check_batches(build_dir, batches, tests_config, tests_dir)
    covered = len(sources) - len(batches) + sum(len(unity_includes(b)) for b in batches)
    print(f"clang-tidy: {len(sources)} translation units ({len(batches)} test batches), "
          f"{covered} files", flush=True)
    # The batches are the longest jobs: started first, they do not finish alone at the end.
    commands = [tidy_command(build_dir, b, tests_config) for b in batches]
    commands += [tidy_command(build_dir, s, None) for s in sources if s not in batches]
    failed = run_in_parallel([(command[-1], command, None) for command in commands])
    for source in failed:
        print(f"clang-tidy failed: {source}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
