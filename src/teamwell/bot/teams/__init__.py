"""Microsoft Teams: every botbuilder and Bot Framework line of Teamwell lives in this package.

botbuilder-python is archived upstream; a move to the Microsoft 365 Agents SDK touches only here.
"""
