import json, glob, sys, collections
tag = sys.argv[1]
mapping = json.load(open(f'{tag}/mapping.json'))
res = collections.defaultdict(lambda: collections.Counter())
kinds = {}
for l in open(sys.argv[2]):
    r = json.loads(l); kinds[r['id']] = r['kind']
bykind = collections.defaultdict(collections.Counter)
for f in sorted(glob.glob(f'{tag}/out-*.json')):
    lang = f.rsplit('/out-', 1)[1][:2]
    for r in json.load(open(f))['ratings']:
        c = res[lang]; c['n'] += 1
        for k in ('responsive','consistent','in_persona'):
            c[k] += bool(r[k])
        ok = r['responsive'] and r['consistent'] and r['in_persona']
        c['all'] += ok
        kind = kinds.get(mapping.get(r['conversation'],''),'?')
        bykind[(lang,kind)]['n'] += 1; bykind[(lang,kind)]['ok'] += ok
for lang, c in res.items():
    n = c['n']
    print(lang, n, {k: f"{100*c[k]/n:.1f}%" for k in ('responsive','consistent','in_persona','all')})
for (lang,kind), c in sorted(bykind.items()):
    print(' ', lang, kind, c['n'], f"{100*c['ok']/c['n']:.0f}%")
