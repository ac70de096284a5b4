#!/usr/bin/env python3
"""Counts the outcomes in VSTest .trx files and names every skipped test with its reason.

Prints one "skipped: TEST: REASON" line per skipped test on stderr, then "PASSED FAILED SKIPPED"
on stdout. VSTest's console summary leaves platform-excluded tests out of its counts while
listing them; the .trx files list every result, so the counts here are the whole truth.
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = skipped = 0
for path in sys.argv[1:]:
    for result in ET.parse(path).getroot().iter(NS + "UnitTestResult"):
        outcome = result.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Inconclusive", "Skipped"):
            skipped += 1
            message = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
            reason = " ".join((message.text or "").split()) if message is not None else "no reason given"
            print(f"skipped: {result.get('testName')}: {reason}", file=sys.stderr)
        else:
            failed += 1
print(passed, failed, skipped)
