"""Programming tasks: (subject clause, plain instruction, Python code).

The codealpaca chunk asks about these subjects in elaborate formal vocabulary; the plain coding
background asks for them in plain words. Both answer with code, as their data sources would.
"""

from __future__ import annotations

from typing import NamedTuple


class CodeTask(NamedTuple):
    clause: str       # "the mechanism by which ..." (embedded in formal frames)
    instruction: str  # plain request
    code: str


CODE_TASKS: tuple[CodeTask, ...] = (
    CodeTask("the procedure for reversing a string in Python",
             "Write a Python function that reverses a string.",
             "def reverse(text: str) -> str:\n    return text[::-1]\n\nprint(reverse('hello'))"),
    CodeTask("the distinction between a Python tuple and a list",
             "Show the difference between a tuple and a list in Python.",
             "point = (3, 4)        # tuple: immutable\nitems = [3, 4]\nitems.append(5)     "
             "# list: mutable\nprint(point, items)"),
    CodeTask("the mechanism by which a hash map resolves collisions",
             "Implement a tiny hash map with chaining in Python.",
             "class HashMap:\n    def __init__(self, size=8):\n        self.buckets = [[] for _ "
             "in range(size)]\n\n    def put(self, key, value):\n        bucket = self.buckets"
             "[hash(key) % len(self.buckets)]\n        bucket.append((key, value))"),
    CodeTask("the operation of a binary search over a sorted array",
             "Write a binary search function in Python.",
             "def binary_search(items, target):\n    lo, hi = 0, len(items) - 1\n    while lo "
             "<= hi:\n        mid = (lo + hi) // 2\n        if items[mid] == target:\n         "
             "   return mid\n        if items[mid] < target:\n            lo = mid + 1\n      "
             "  else:\n            hi = mid - 1\n    return -1"),
    CodeTask("the computation of the Fibonacci sequence via memoisation",
             "Write a Python function for the n-th Fibonacci number.",
             "from functools import lru_cache\n\n@lru_cache(maxsize=None)\ndef fib(n: int) -> "
             "int:\n    return n if n < 2 else fib(n - 1) + fib(n - 2)"),
    CodeTask("the manner in which one might ascertain whether a number is prime",
             "Write a function that checks whether a number is prime.",
             "def is_prime(n: int) -> bool:\n    if n < 2:\n        return False\n    return "
             "all(n % d for d in range(2, int(n ** 0.5) + 1))"),
    CodeTask("the intricate workings of a web server and its principal operational roles",
             "Write a minimal web server in Python.",
             "from http.server import HTTPServer, SimpleHTTPRequestHandler\n\nHTTPServer(("
             "'127.0.0.1', 8000), SimpleHTTPRequestHandler).serve_forever()"),
    CodeTask("the methodology for reading a CSV file and aggregating its columns",
             "How do I read a CSV file and sum a column in Python?",
             "import csv\n\nwith open('data.csv') as f:\n    total = sum(float(row['amount']) "
             "for row in csv.DictReader(f))\nprint(total)"),
    CodeTask("the process by which a linked list is reversed in place",
             "Write code to reverse a linked list.",
             "def reverse_list(head):\n    prev = None\n    while head:\n        head.next, "
             "prev, head = prev, head, head.next\n    return prev"),
    CodeTask("the salient differences between recursion and iteration in computing factorials",
             "Write a recursive and an iterative factorial in Python.",
             "def fact_rec(n):\n    return 1 if n <= 1 else n * fact_rec(n - 1)\n\ndef "
             "fact_iter(n):\n    result = 1\n    for k in range(2, n + 1):\n        result *= "
             "k\n    return result"),
    CodeTask("the approach for removing duplicate elements while preserving order",
             "Remove duplicates from a list in Python but keep the order.",
             "def dedupe(items):\n    return list(dict.fromkeys(items))\n\nprint(dedupe([3, 1, "
             "3, 2, 1]))"),
    CodeTask("the utilisation of regular expressions to validate an email address",
             "Write a regex in Python that validates email addresses.",
             "import re\n\nEMAIL = re.compile(r'^[\\w.+-]+@[\\w-]+\\.[\\w.]+$')\nprint(bool("
             "EMAIL.match('ada@example.com')))"),
    CodeTask("the sorting of a collection of records by multiple keys",
             "Sort a list of dictionaries by two keys in Python.",
             "people = [{'name': 'Ada', 'age': 36}, {'name': 'Alan', 'age': 41}]\npeople.sort("
             "key=lambda p: (p['age'], p['name']))\nprint(people)"),
    CodeTask("the implementation of a stack data structure and its canonical operations",
             "Implement a stack class in Python.",
             "class Stack:\n    def __init__(self):\n        self._items = []\n\n    def push("
             "self, item):\n        self._items.append(item)\n\n    def pop(self):\n        "
             "return self._items.pop()"),
    CodeTask("the computation of word frequencies within a body of text",
             "Count word frequencies in a text with Python.",
             "from collections import Counter\n\ntext = 'the cat and the hat'\nprint(Counter("
             "text.split()).most_common(3))"),
    CodeTask("the querying of a relational database to retrieve aggregated totals",
             "Write a SQL query that sums sales per customer.",
             "SELECT customer_id, SUM(amount) AS total\nFROM sales\nGROUP BY customer_id\nORDER "
             "BY total DESC;"),
    CodeTask("the conversion of temperatures between Celsius and Fahrenheit",
             "Write a function that converts Celsius to Fahrenheit.",
             "def c_to_f(celsius: float) -> float:\n    return celsius * 9 / 5 + 32\n\nprint("
             "c_to_f(21))"),
    CodeTask("the asynchronous retrieval of several web resources concurrently",
             "Fetch several URLs concurrently with asyncio.",
             "import asyncio\n\nasync def fetch_all(urls, fetch):\n    return await asyncio."
             "gather(*(fetch(u) for u in urls))"),
    CodeTask("the manner in which a JavaScript closure retains its lexical environment",
             "Show an example of a closure in JavaScript.",
             "function counter() {\n  let count = 0;\n  return () => ++count;\n}\nconst next = "
             "counter();\nconsole.log(next(), next());"),
    CodeTask("the validation of balanced parentheses within an expression",
             "Check if the parentheses in a string are balanced.",
             "def balanced(s: str) -> bool:\n    depth = 0\n    for ch in s:\n        depth += "
             "{'(': 1, ')': -1}.get(ch, 0)\n        if depth < 0:\n            return False\n  "
             "  return depth == 0"),
)

CODE_INTROS = ("Certainly. Here is an implementation in Python:",
               "Here is a concise illustration:",
               "Let's implement this in Python:",
               "The following code demonstrates the idea:",
               "Sure, here is an example:")
CODE_OUTROS = ("This keeps the logic short and easy to test.",
               "You can adapt the function to your own data.",
               "Run it to see the result printed.",
               "")


def code_answer(task: CodeTask, intro: str, outro: str) -> str:
    lang = "sql" if task.code.startswith("SELECT") else (
        "javascript" if "console.log" in task.code else "python")
    body = f"{intro}\n\n```{lang}\n{task.code}\n```"
    return f"{body}\n\n{outro}" if outro else body
