"""What the ACI scorer must install to serve one downloaded MLflow model. Part of the scorer recipe
(start-scorer.sh runs it with the fetch environment's Python, which has PyYAML through mlflow-skinny).

Usage: python scorer_plan.py MODEL_DIR FILES_DIR
Prints shell assignments on stdout (values shell-quoted) and explanations on stderr:
  SCORER_LINE       mlflow-2 | mlflow-3: the constraints file (FILES_DIR/constraints-<line>.txt) to use
  SCORER_JAVA       1 when a flavor runs on the JVM (spark), else 0
  SCORER_PACKAGES   the packages to install, names only: every version comes from the constraints file

Decisions:
- The MLflow line is the major version the model's MLmodel names (`mlflow_version`): a model is served
  by the newest release of its own major line, which loads what earlier releases of that line saved
  (MLflow 2.22 cannot load an MLflow 3 skops model; MLflow 3 is not guaranteed to load 2.x pickles the
  way 2.x does). MLflow 1.x models are served by the 2.x line; a newer major than 3 is refused.
- The packages are the ones the model's requirements.txt names (conda.yaml's pip list when there is no
  requirements.txt), plus mlflow, plus pyspark for Spark models, each at the pin of the constraints file
  (one place for the pins). A package the constraints file does not pin is not installed: the log names
  it, and adding it to the line's requirements.in (scripts/lock-python.sh) is the fix. Packages only
  Azure ML's own inference server uses are skipped.
"""

import os
import re
import shlex
import sys

import yaml

LINES = {1: "mlflow-2", 2: "mlflow-2", 3: "mlflow-3"}
JVM_FLAVORS = {"spark"}
# Used by Azure ML's no-code inference image, not by `mlflow models serve` (push-model adds the first).
AZURE_ML_SERVING_ONLY = {"azureml-ai-monitoring", "azureml-inference-server-http", "azureml-defaults", "azureml-mlflow"}


def say(message):
    print(f"scorer plan: {message}", file=sys.stderr)


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement(line):
    """(name, pinned version or None) of a requirements line; None for options, URLs and blanks."""
    text = line.split("#", 1)[0].strip()
    if not text or text.startswith("-"):
        return None
    match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==\s*([^\s;,]+))?", text)
    if not match:
        return None
    return canonical(match.group(1)), match.group(4)


def pins(constraints_file):
    found = {}
    with open(constraints_file, encoding="utf-8") as handle:
        for line in handle:
            parsed = requirement(line)
            if parsed and parsed[1]:
                # Universal lock files may pin a package twice under markers; the first pin is enough
                # to know the package is covered.
                found.setdefault(parsed[0], parsed[1])
    return found


def model_requirements(model_dir):
    path = os.path.join(model_dir, "requirements.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return [r for r in (requirement(line) for line in handle) if r]
    conda = os.path.join(model_dir, "conda.yaml")
    if os.path.exists(conda):
        with open(conda, encoding="utf-8") as handle:
            env = yaml.safe_load(handle) or {}
        for item in env.get("dependencies", []):
            if isinstance(item, dict) and isinstance(item.get("pip"), list):
                return [r for r in (requirement(str(line)) for line in item["pip"]) if r]
    return []


def main(model_dir, files_dir):
    with open(os.path.join(model_dir, "MLmodel"), encoding="utf-8") as handle:
        mlmodel = yaml.safe_load(handle) or {}
    flavors = mlmodel.get("flavors") or {}
    if "python_function" not in flavors:
        raise SystemExit(f"scorer plan: the model has no python_function flavor (flavors: {', '.join(flavors) or 'none'}); `mlflow models serve` cannot serve it")

    version = str(mlmodel.get("mlflow_version") or "")
    match = re.match(r"(\d+)\.", version)
    if match and int(match.group(1)) in LINES:
        line = LINES[int(match.group(1))]
    elif match:
        raise SystemExit(f"scorer plan: the model was saved by MLflow {version}; this scorer serves MLflow 1.x to 3.x models")
    else:
        line = "mlflow-3"
        say(f"MLmodel names no mlflow_version; serving with the {line} line")
    constraints = pins(os.path.join(files_dir, f"constraints-{line}.txt"))
    say(f"model saved by MLflow {version or '?'}: serving with mlflow=={constraints['mlflow']} ({line} line)")
    if match and int(match.group(1)) == 1:
        say("an MLflow 1.x model is served by the 2.x line, which loads 1.x pyfunc models")

    wanted = {"mlflow": None}
    java = bool(JVM_FLAVORS & set(flavors))
    if java:
        wanted["pyspark"] = None
    for name, pinned in model_requirements(model_dir):
        if name in ("mlflow", "mlflow-skinny"):
            continue
        if name in AZURE_ML_SERVING_ONLY:
            say(f"skipping {name} (used by Azure ML's inference server, not by mlflow models serve)")
            continue
        wanted[name] = pinned

    packages = []
    for name, pinned in wanted.items():
        if name not in constraints:
            say(f"NOT INSTALLED: {name}{'==' + pinned if pinned else ''} is not in constraints-{line}.txt; add it to the line's requirements.in and run scripts/lock-python.sh")
            continue
        if pinned and pinned != constraints[name]:
            say(f"{name}: the model was saved with {pinned}, the scorer installs {constraints[name]}")
        packages.append(name)

    python_version = str(flavors["python_function"].get("python_version") or "")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if python_version and not (python_version == here or python_version.startswith(here + ".")):
        say(f"the model was saved with Python {python_version}, the scorer runs Python {sys.version.split()[0]}")

    print(f"SCORER_LINE={shlex.quote(line)}")
    print(f"SCORER_JAVA={1 if java else 0}")
    print(f"SCORER_PACKAGES={shlex.quote(' '.join(sorted(packages)))}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: scorer_plan.py MODEL_DIR FILES_DIR")
    main(sys.argv[1], sys.argv[2])
