"""Chinese for the Lab and Stress pages: edits, knock-out, damage, robustness, threshold, points map."""

ZH_LAB = {}
