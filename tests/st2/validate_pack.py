"""Checks an emitted pack with StackStorm's own code, as `st2 pack install` would register it:
every metadata file read by StackStorm's MetaLoader, validated against StackStorm's published
schemas (../shared/stackstorm/schemas) by its validator (st2common.util.schema: draft 4 with
`required: true`, defaults applied first) and by its API models (PackAPI, ActionAPI, ...); every
entry point loaded by StackStorm's plugin loader; every Python file compiled (into a scratch
directory: nothing is written beside the sources).

Usage: validate_pack.py PACK_DIR SCHEMAS_DIR [EXPECTED_JSON]
EXPECTED_JSON maps file paths to the values another YAML parser read from them: StackStorm's
loader must read the same.
"""

import copy
import glob
import json
import os
import py_compile
import sys
import tempfile

import jsonschema

from st2common.constants.meta import yaml_safe_load
from st2common.content.loader import MetaLoader
from st2common.models.api.action import ActionAPI
from st2common.models.api.pack import ConfigSchemaAPI, PackAPI
from st2common.models.api.rule import RuleAPI
from st2common.models.api.sensor import SensorTypeAPI
from st2common.runners.base_action import Action
from st2common.util import schema as util_schema
from st2common.util.loader import register_plugin, register_plugin_class
from st2common.util.pack import validate_config_against_schema
from st2reactor.sensor.base import Sensor


class SchemaValidator(object):
    """st2common.util.schema.validate(cls=CustomValidator, use_default=True,
    allow_default_none=True), what StackStorm's API models run, with the schema checked and the
    validator built once instead of per file: a thousand actions, one schema."""

    def __init__(self, schema):
        self.schema = util_schema.modify_schema_allow_default_none(schema=copy.deepcopy(schema))
        util_schema.CustomValidator.check_schema(self.schema)
        self.validator = util_schema.CustomValidator(self.schema, registry=util_schema._LOCAL_SCHEMA_REGISTRY)

    def validate(self, instance):
        instance = util_schema.assign_default_values(instance=copy.deepcopy(instance), schema=self.schema)
        error = jsonschema.exceptions.best_match(self.validator.iter_errors(instance))
        if error is not None:
            raise error


def main(pack_dir, schemas_dir, expected_path=None):
    loader = MetaLoader()
    validators = {}
    for kind in ("pack", "action", "sensor", "rule"):
        with open(os.path.join(schemas_dir, kind + ".json")) as handle:
            validators[kind] = SchemaValidator(json.load(handle))
    models = {
        "action": SchemaValidator(ActionAPI.schema),
        "sensor": SchemaValidator(SensorTypeAPI.schema),
    }
    expected = {}
    if expected_path:
        with open(expected_path) as handle:
            expected = json.load(handle)
    failures = []
    counts = {}

    def check(rel, kind, model):
        try:
            data = loader.load(os.path.join(pack_dir, rel))
            if rel in expected and expected[rel] != data:
                raise AssertionError("StackStorm reads another value than expected")
            if kind in validators:
                validators[kind].validate(data)
            model(data)
            counts[kind] = counts.get(kind, 0) + 1
            return data
        except Exception as e:
            failures.append("%s: %s: %s" % (rel, type(e).__name__, str(e).splitlines()[0][:300]))
            return None

    def files(pattern):
        return sorted(os.path.relpath(p, pack_dir) for p in glob.glob(os.path.join(pack_dir, pattern)))

    pack = check("pack.yaml", "pack", lambda d: PackAPI(**d).validate())
    ref = pack["ref"] if pack else None
    schema = check("config.schema.yaml", "config", lambda d: ConfigSchemaAPI(pack=ref, attributes=d).validate())
    if schema is not None:
        # The config the README shows validates as StackStorm validates configs.
        with open(os.path.join(pack_dir, "README.md")) as handle:
            block = handle.read().split("```yaml\n", 1)[1].split("```", 1)[0]
        example = yaml_safe_load("\n".join(line.strip() for line in block.splitlines()))
        try:
            validate_config_against_schema(schema, example, "README.md", pack_name=ref)
            counts["readme config"] = 1
        except Exception as e:
            failures.append("README.md: config: %s" % e)

    entry_points = set()
    for rel in files("actions/*.yaml"):
        data = check(rel, "action", models["action"].validate)
        if data:
            entry_points.add(data["entry_point"])
    for entry_point in sorted(entry_points):
        classes = register_plugin(Action, os.path.join(pack_dir, "actions", entry_point))
        if [c.__name__ for c in classes] != ["K8sPackAction"]:
            failures.append("actions/%s: action classes %s" % (entry_point, classes))

    for rel in files("sensors/*.yaml"):
        data = check(rel, "sensor", models["sensor"].validate)
        if data:
            try:
                register_plugin_class(Sensor, os.path.join(pack_dir, "sensors", data["entry_point"]), data["class_name"])
            except Exception as e:
                failures.append("%s: cannot load %s: %s" % (rel, data["class_name"], e))

    for rel in files("rules/*.yaml"):
        check(rel, "rule", lambda d: RuleAPI(**d).validate())

    # The validators can fail: a list of types (which StackStorm refuses) and an unknown key.
    if files("actions/*.yaml"):
        broken = loader.load(os.path.join(pack_dir, files("actions/*.yaml")[0]))
        broken["parameters"]["k8s_action"]["type"] = ["string", "null"]
        expect_failure(failures, "action with a list of types", validators["action"].validate, broken)
        expect_failure(failures, "action model with a list of types", lambda d: ActionAPI(**d).validate(), broken)
    sensor = loader.load(os.path.join(pack_dir, files("sensors/*.yaml")[0]))
    sensor["trigger_types"][0]["payload"] = {}
    expect_failure(failures, "sensor with an unknown key", validators["sensor"].validate, sensor)

    scratch = tempfile.mkdtemp()
    sources = files("**/*.py") + files("*/*/*.py")
    for i, rel in enumerate(sorted(set(sources))):
        try:
            py_compile.compile(os.path.join(pack_dir, rel), cfile=os.path.join(scratch, "%d.pyc" % i), doraise=True)
            counts["python"] = counts.get("python", 0) + 1
        except py_compile.PyCompileError as e:
            failures.append("%s: %s" % (rel, e.msg))

    for kind in sorted(set(counts) | {"pack", "config", "action", "sensor", "rule", "python"}):
        print("%s %d" % (kind, counts.get(kind, 0)))
    for failure in failures:
        print("FAILED " + failure)
    return 1 if failures else 0


def expect_failure(failures, what, validate, data):
    try:
        validate(data)
    except Exception:
        return
    failures.append("accepted: " + what)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
