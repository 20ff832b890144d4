#!/usr/bin/env python3
"""Derives config-keys.json from the Rust sources of Proxmox Backup Server's config types.

Usage: extract-keys.py PROXMOX_RS_CHECKOUT > config-keys.json

For each section type of each /etc/proxmox-backup/*.cfg file Beelab writes, the serde field names of the
struct the section is (de)serialized with, following #[serde(flatten)] into nested structs, with the Rust type
and whether the field is optional; the section id property is listed apart (it is the `type: id` header).
Enums referenced by those fields are listed with their serde names.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(sys.argv[1])
SOURCES = [
    *sorted((ROOT / 'pbs-api-types/src').rglob('*.rs')),
    *sorted((ROOT / 'proxmox-notify/src').rglob('*.rs')),
]

# file -> section type -> (struct, id property)
SECTIONS = {
    'datastore.cfg': {'datastore': ('DataStoreConfig', 'name')},
    'prune.cfg': {'prune': ('PruneJobConfig', 'id')},
    'verification.cfg': {'verification': ('VerificationJobConfig', 'id')},
    'sync.cfg': {'sync': ('SyncJobConfig', 'id')},
    'remote.cfg': {'remote': ('Remote', 'name')},
    'user.cfg': {'user': ('User', 'userid'), 'token': ('ApiToken', 'tokenid')},
    'notifications.cfg': {
        'sendmail': ('SendmailConfig', 'name'),
        'smtp': ('SmtpConfig', 'name'),
        'gotify': ('GotifyConfig', 'name'),
        'webhook': ('WebhookConfig', 'name'),
        'matcher': ('MatcherConfig', 'name'),
    },
}

STRUCT = re.compile(r'((?:#\[[^\]]*\]\s*|///[^\n]*\n\s*)*)pub struct (\w+)\s*\{(.*?)\n\}', re.S)
ENUM = re.compile(r'((?:#\[[^\]]*\]\s*|///[^\n]*\n\s*)*)pub enum (\w+)\s*\{(.*?)\n\}', re.S)
FIELD = re.compile(r'((?:\s*#\[[^\n]*\]|\s*///[^\n]*)*)\s*pub (\w+): ([^\n]+?),\s*$', re.M)


def kebab(name):
    return name.replace('_', '-')


structs, enums = {}, {}
for src in SOURCES:
    text = src.read_text()
    for m in STRUCT.finditer(text):
        attrs, name, body = m.groups()
        rename_all = 'kebab-case' in attrs and 'rename_all' in attrs
        fields = []
        for f in FIELD.finditer(body):
            fattrs, fname, ftype = f.groups()
            if 'serde(skip)' in fattrs.replace(' ', ''):
                continue
            rename = re.search(r'rename\s*=\s*"([^"]+)"', fattrs)
            key = rename.group(1) if rename else (kebab(fname) if rename_all else fname)
            fields.append({'key': key, 'type': ftype.strip(), 'flatten': 'flatten' in fattrs})
        structs.setdefault(name, (fields, str(src.relative_to(ROOT))))
    for m in ENUM.finditer(text):
        attrs, name, body = m.groups()
        style = re.search(r'rename_all\s*=\s*"([^"]+)"', attrs)
        variants = []
        for v in re.finditer(r'(?:#\[serde\(rename\s*=\s*"([^"]+)"\)\]\s*)?^\s*([A-Z]\w*)\b', body, re.M):
            renamed, ident = v.groups()
            if renamed:
                variants.append(renamed)
            elif style and style.group(1) == 'kebab-case':
                variants.append(re.sub(r'(?<!^)([A-Z])', r'-\1', ident).lower())
            elif style and style.group(1) == 'lowercase':
                variants.append(ident.lower())
            else:
                variants.append(ident)
        enums.setdefault(name, variants)


def inner(t):
    m = re.match(r'(?:Option|Vec)<(.+)>$', t)
    return inner(m.group(1)) if m else t.split('::')[-1]


def keys_of(struct):
    fields, _ = structs[struct]
    out = {}
    for f in fields:
        if f['flatten']:
            out.update(keys_of(inner(f['type'])))
        else:
            out[f['key']] = {
                'type': f['type'],
                'optional': f['type'].startswith('Option<') or f['type'].startswith('Vec<'),
            }
            if inner(f['type']) in enums:
                out[f['key']]['enum'] = enums[inner(f['type'])]
    return out


result = {'files': {}, 'roles': enums['Role']}
for file, sections in SECTIONS.items():
    result['files'][file] = {}
    for stype, (struct, idprop) in sections.items():
        keys = keys_of(struct)
        keys.pop(idprop, None)
        result['files'][file][stype] = {
            'struct': struct,
            'source': structs[struct][1],
            'id': idprop,
            'keys': keys,
        }
json.dump(result, sys.stdout, indent=1, sort_keys=True)
print()
