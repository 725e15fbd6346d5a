#!/usr/bin/python3
"""Print the package directory, relative to PREFIX, that this interpreter searches (meson uses
it to install the binding where /usr/bin/python3 finds it). Usage: site_dir.py PREFIX
SPDX-License-Identifier: BSD-2-Clause"""
import os
import sys
import sysconfig

prefix = os.path.normpath(sys.argv[1])
pkgdir = 'dist-packages' if sysconfig.get_paths()['purelib'].endswith('dist-packages') else 'site-packages'
candidates = ['lib/python%d.%d/%s' % (sys.version_info[0], sys.version_info[1], pkgdir),
              'lib/python3/%s' % pkgdir]
for rel in candidates:  # the first one on sys.path wins
    if os.path.join(prefix, rel) in sys.path:
        print(rel)
        break
else:
    print(candidates[0])
