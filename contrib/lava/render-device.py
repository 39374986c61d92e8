#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""render-device.py: turn a LAVA device dictionary (a jinja2 file that
extends a device-type template) into the device YAML that
`lava-run --device` reads, as lava-server would, and check it against
lava_common's device schema when lava-common is installed.

usage: render-device.py DICT.jinja2 OUT.yaml [--templates DIR]... [VAR=VALUE]...
  --templates DIR  where qemu.jinja2 and base.jinja2 are (lava-server's
                   device-types folder); default: the first of
                   /etc/lava-server/dispatcher-config/device-types,
                   /usr/share/lava-server/device-types,
                   /var/tmp/lava/lava-server/usr/share/lava-server/device-types
                   (run-local.sh unpacks lava-server's .deb there)
  VAR=VALUE        job context variables (arch=amd64, memory=2048 ...)
"""
import os
import sys

import jinja2
import yaml

DEFAULT_TEMPLATES = [
    "/etc/lava-server/dispatcher-config/device-types",
    "/usr/share/lava-server/device-types",
    "/var/tmp/lava/lava-server/usr/share/lava-server/device-types",
]


def parse_args(argv):
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    dictionary, out, rest = argv[0], argv[1], argv[2:]
    templates, context = [], {}
    while rest:
        arg = rest.pop(0)
        if arg == "--templates" and rest:
            templates.append(rest.pop(0))
        elif "=" in arg and not arg.startswith("-"):
            key, value = arg.split("=", 1)
            context[key] = int(value) if value.isdigit() else value
        else:
            sys.exit("render-device.py: bad argument %r (--help)" % arg)
    if not templates:
        templates = [d for d in DEFAULT_TEMPLATES if os.path.isfile(os.path.join(d, "base.jinja2"))][:1]
    if not templates:
        sys.exit("render-device.py: no lava-server device-types templates (--templates DIR)")
    return dictionary, out, templates, context


def render(dictionary, templates, context):
    loader = jinja2.FileSystemLoader([os.path.dirname(os.path.abspath(dictionary))] + templates)
    # what lava-server uses for device dictionaries
    env = jinja2.Environment(loader=loader, trim_blocks=True, autoescape=False)
    return env.get_template(os.path.basename(dictionary)).render(**context)


def check_schema(data):
    try:
        from lava_common.schemas.device import validate
    except ImportError:
        return "not checked (no lava-common)"
    validate(data)
    return "valid"


def main(argv):
    dictionary, out, templates, context = parse_args(argv)
    text = render(dictionary, templates, context)
    data = yaml.safe_load(text)
    verdict = check_schema(data)
    with open(out, "w") as f:
        f.write(text)
    print("render-device.py: %s -> %s (schema %s)" % (dictionary, out, verdict))


if __name__ == "__main__":
    main(sys.argv[1:])
