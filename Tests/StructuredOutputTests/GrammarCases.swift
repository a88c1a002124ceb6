/// The conversion table: every supported keyword, llama.cpp's whitespace, strings, numbers,
/// integer ranges (and their quirks), property order, additional properties and references.
enum GrammarCases {
    static let all: [GrammarCase] = whitespace + scalars + integerRanges + strings + objects + arrays + combinations

    static let whitespace: [GrammarCase] = [
        GrammarCase(
            name: "space: nothing, one space, or one or two newlines then up to 20 spaces or tabs",
            schema: #"{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}"#,
            accepts: [
                #"{"a":1}"#, #"{ "a" : 1 }"#, "{\n  \"a\": 1\n}", "{\n\n\t\t\"a\":\n 0\n}",
                "{\n" + String(repeating: " ", count: 20) + "\"a\":1}",
            ],
            rejects: [
                #"{"a":1} "#, #" {"a":1}"#, #"{"a":  1}"#, "{\"a\":\t1}", "{\"a\":\r\n1}", "{\n\n\n\"a\":1}",
                "{\n" + String(repeating: " ", count: 21) + "\"a\":1}", #"{"a":1,}"#, "{}", #"{"a":1,"b":2}"#,
            ]),
        GrammarCase(
            name: "arrays: no space before a comma",
            schema: #"{"type": "array", "items": {"type": "integer"}}"#,
            accepts: ["[]", "[ ]", "[1,2]", "[ 1, 2 ]", "[1,\n  2]"],
            rejects: ["[1 ,2]", "[1,]", "[,]", " []", "[1  ]"]),
    ]

    static let scalars: [GrammarCase] = [
        GrammarCase(
            name: "number: at most 16 integral and 16 fraction digits, exponent without leading zeros",
            schema: #"{"type": "number"}"#,
            accepts: ["0", "-0", "1.5", "-12.25e+10", "1E5", "0.0001", "1234567890123456", "1e-7", "0.1234567890123456"],
            rejects: [
                "01", "1.", ".5", "+1", "1e", "12345678901234567", "0.12345678901234567", "\"1\"", "NaN", "1e0123", "1e00",
            ]),
        GrammarCase(
            name: "integer",
            schema: #"{"type": "integer"}"#,
            accepts: ["0", "-0", "42", "-9999999999999999"],
            rejects: ["1.0", "1e2", "01", "-01", "12345678901234567", "- 1", ""]),
        GrammarCase(
            name: "type list of boolean and null",
            schema: #"{"type": ["boolean", "null"]}"#,
            accepts: ["true", "false", "null"],
            rejects: ["True", "\"true\"", "0", "nul"]),
        GrammarCase(
            name: "const is written compactly as nlohmann writes it",
            schema: #"{"const": {"a": [1, 2.0, "x", 1e2]}}"#,
            accepts: [#"{"a":[1,2.0,"x",100.0]}"#],
            rejects: [#"{"a": [1,2.0,"x",100.0]}"#, #"{"a":[1,2,"x",100]}"#, #"{"a":[1,2.0,"x",1e2]}"#]),
        GrammarCase(
            name: "const string with escapes",
            schema: #"{"const": "say \"hi\"\n\\"}"#,
            accepts: [#""say \"hi\"\n\\""#],
            rejects: [#""say "hi"\n\\""#, "\"say \\\"hi\\\"\n\\\\\""]),
        GrammarCase(
            name: "enum of mixed values",
            schema: #"{"enum": ["red", "amber", null, 42, 1.5, true, ["x"]]}"#,
            accepts: [#""red""#, #""amber""#, "null", "42", "1.5", "true", #"["x"]"#],
            rejects: [#""green""#, "42.0", #"[ "x"]"#, #""RED""#, "false"]),
        GrammarCase(
            name: "const wins over type, as llama.cpp reads it",
            schema: #"{"type": "integer", "const": "x"}"#,
            accepts: [#""x""#],
            rejects: ["1"]),
        GrammarCase(
            name: "annotations change nothing",
            schema: #"""
                {"title": "T", "description": "d", "$schema": "https://json-schema.org/draft/2020-12/schema",
                 "$id": "x", "default": 1, "examples": [1], "$comment": "c", "type": "integer"}
                """#,
            accepts: ["1"],
            rejects: ["\"1\""]),
        GrammarCase(
            name: "empty schema: any value",
            schema: "{}",
            accepts: [#"{"a": [1, {"b": null}]}"#, #""s""#, "1.5", "null", "[]", "true"],
            rejects: ["", "nul", #"{"a" : 1}"#, "[1,]"]),
        GrammarCase(
            name: "description only: any value",
            schema: #"{"description": "anything at all"}"#,
            accepts: ["1", #"["x"]"#],
            rejects: ["x"]),
    ]

    static let integerRanges: [GrammarCase] = [
        GrammarCase(
            name: "integer 0...10",
            schema: #"{"type": "integer", "minimum": 0, "maximum": 10}"#,
            accepts: (0...10).map(String.init),
            rejects: ["11", "-1", "010", "00", "-0", "1.0", "100", "20"]),
        GrammarCase(
            name: "integer -10...10: the negative side includes -0",
            schema: #"{"type": "integer", "minimum": -10, "maximum": 10}"#,
            accepts: ["-10", "-5", "-0", "0", "7", "10"],
            rejects: ["-11", "11", "-010", "--1", "-"]),
        GrammarCase(
            name: "integer -123...-7",
            schema: #"{"type": "integer", "minimum": -123, "maximum": -7}"#,
            accepts: ["-7", "-10", "-99", "-100", "-123"],
            rejects: ["-6", "-0", "-124", "7", "-200", "-07"]),
        GrammarCase(
            name: "integer 15...300",
            schema: #"{"type": "integer", "minimum": 15, "maximum": 300}"#,
            accepts: ["15", "19", "20", "99", "100", "299", "300"],
            rejects: ["14", "9", "301", "310", "1000", "015"]),
        GrammarCase(
            name: "exclusive bounds",
            schema: #"{"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 5}"#,
            accepts: ["1", "2", "3", "4"],
            rejects: ["0", "5", "-1"]),
        GrammarCase(
            name: "fractional bounds round inwards",
            schema: #"{"type": "integer", "minimum": 0.5, "maximum": 3.7}"#,
            accepts: ["1", "2", "3"],
            rejects: ["0", "4"]),
        GrammarCase(
            name: "minimum 3, at most 16 digits",
            schema: #"{"type": "integer", "minimum": 3}"#,
            accepts: ["3", "9", "10", "123", "9999999999999999"],
            rejects: ["2", "0", "-1", "03", "12345678901234567"]),
        GrammarCase(
            name: "minimum 25",
            schema: #"{"type": "integer", "minimum": 25}"#,
            accepts: ["25", "26", "30", "100", "250"],
            rejects: ["24", "20", "2", "025"]),
        GrammarCase(
            name: "minimum 100: llama.cpp compares only the first digit (quirk kept)",
            schema: #"{"type": "integer", "minimum": 100}"#,
            accepts: ["100", "150", "999", "1000", "10", "19"],
            rejects: ["9", "1", "0", "-100"]),
        GrammarCase(
            name: "minimum -5",
            schema: #"{"type": "integer", "minimum": -5}"#,
            accepts: ["-5", "-3", "-0", "0", "7", "123"],
            rejects: ["-6", "-10", "-05"]),
        GrammarCase(
            name: "maximum 30",
            schema: #"{"type": "integer", "maximum": 30}"#,
            accepts: ["30", "29", "0", "-1", "-12345"],
            rejects: ["31", "100", "-0", "030"]),
        GrammarCase(
            name: "maximum -5: leading zeros after the minus (quirk kept)",
            schema: #"{"type": "integer", "maximum": -5}"#,
            accepts: ["-5", "-6", "-100", "-05", "-00"],
            rejects: ["-4", "0", "5", "-0"]),
    ]

    static let strings: [GrammarCase] = [
        GrammarCase(
            name: "string characters and escapes",
            schema: #"{"type": "string"}"#,
            accepts: [#""""#, #""plain""#, #""é😀""#, #""a\"b""#, #""\\\b\f\n\r\t""#, #""\u00e9\uD83D""#],
            rejects: [
                #""a"#, #""a"b""#, #""\x""#, #""\u12""#, "\"\t\"", "\"\u{7F}\"", "'a'", #""\/""#, "\"\n\"",
            ]),
        GrammarCase(
            name: "string lengths count characters and escapes alike",
            schema: #"{"type": "string", "minLength": 2, "maxLength": 3}"#,
            accepts: [#""ab""#, #""abc""#, #""\n\t""#, #""é😀""#, #""\u0041b""#],
            rejects: [#""a""#, #""abcd""#, #""""#]),
        GrammarCase(
            name: "maxLength 0",
            schema: #"{"type": "string", "maxLength": 0}"#,
            accepts: [#""""#],
            rejects: [#""a""#]),
        GrammarCase(
            name: "format date (any day 01-31 in any month)",
            schema: #"{"type": "string", "format": "date"}"#,
            accepts: [#""2024-02-29""#, #""2023-02-31""#, #""0000-12-01""#],
            rejects: [#""2024-13-01""#, #""2024-1-01""#, "2024-01-01", #""2024-00-10""#]),
        GrammarCase(
            name: "format time (offset required, three fraction digits)",
            schema: #"{"type": "string", "format": "time"}"#,
            accepts: [#""23:59:59Z""#, #""00:00:00.123+05:30""#],
            rejects: [#""24:00:00Z""#, #""12:00:00""#, #""12:00:00.1Z""#, #""12:00:00z""#]),
        GrammarCase(
            name: "format date-time",
            schema: #"{"type": "string", "format": "date-time"}"#,
            accepts: [#""2024-01-01T12:00:00Z""#, #""1999-12-31T23:59:59.999-08:00""#],
            rejects: [#""2024-01-01 12:00:00Z""#, #""2024-01-01t12:00:00Z""#]),
        GrammarCase(
            name: "format uuid",
            schema: #"{"format": "uuid"}"#,
            accepts: [#""123e4567-e89b-12d3-a456-426614174000""#, #""123E4567-E89B-12D3-A456-426614174000""#],
            rejects: [#""123e4567e89b12d3a456426614174000""#, #""123e4567-e89b-12d3-a456-42661417400""#]),
        GrammarCase(
            name: "format wins over lengths",
            schema: #"{"type": "string", "format": "date", "maxLength": 3}"#,
            accepts: [#""2024-01-01""#],
            rejects: [#""abc""#]),
        GrammarCase(
            name: "pattern with quantifiers and a group",
            schema: #"{"type": "string", "pattern": "^abc?d*efg+(hij)?kl$"}"#,
            accepts: [#""abefgkl""#, #""abcddefgghijkl""#],
            rejects: [#""abcefkl""#, #""xabefgkl""#, #""abefgklx""#]),
        GrammarCase(
            name: "pattern with classes and counts",
            schema: #"{"type": "string", "pattern": "^[a-z]{2,3}-[0-9]+$"}"#,
            accepts: [#""ab-1""#, #""abc-123""#],
            rejects: [#""a-1""#, #""abcd-1""#, #""ab-""#, #""AB-1""#]),
        GrammarCase(
            name: "pattern with a non-capturing group",
            schema: #"{"type": "string", "pattern": "^(?:foo|bar)baz$"}"#,
            accepts: [#""foobaz""#, #""barbaz""#],
            rejects: [#""baz""#, #""foobarbaz""#]),
        GrammarCase(
            name: "pattern alternation at the top",
            schema: #"{"type": "string", "pattern": "^A|B$"}"#,
            accepts: [#""A""#, #""B""#],
            rejects: [#""AB""#, #""""#]),
        GrammarCase(
            name: "pattern dot, negated class, exact counts",
            schema: #"{"type": "string", "pattern": "^.{2}[^a]+a{0,2}b{3}$"}"#,
            accepts: [#""xyzbbb""#, #""xyzaabbb""#],
            rejects: [#""xyaabbb""#, #""xyzaaabbb""#, #""xyzbb""#]),
        GrammarCase(
            name: "pattern escapes",
            schema: #"{"type": "string", "pattern": "^\\[\\]\\{\\}\\(\\)\\|\\+\\*\\?\\x41\\-$"}"#,
            accepts: [#""[]{}()|+*?A-""#],
            rejects: [#""[]{}()|+*?a-""#]),
        GrammarCase(
            name: "pattern: an escaped character joins the literal run before it (quirk kept)",
            schema: #"{"type": "string", "pattern": "^ab\\.?$"}"#,
            accepts: [#""""#, #""ab.""#],
            rejects: [#""ab""#, #""a""#]),
        GrammarCase(
            name: "pattern beside lengths: the lengths are not in the grammar",
            schema: #"{"type": "string", "pattern": "^a+$", "maxLength": 2}"#,
            accepts: [#""aaaa""#],
            rejects: [#""b""#]),
    ]

    static let objects: [GrammarCase] = [
        GrammarCase(
            name: "required properties first, each group in schema order",
            schema: #"""
                {"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": "integer"}, "c": {"type": "integer"}},
                 "required": ["a", "b"]}
                """#,
            accepts: [#"{"b":1,"a":2}"#, #"{"b":1,"a":2,"c":3}"#, #"{ "b" : 1, "a" : 2 }"#],
            rejects: [#"{"a":2,"b":1}"#, #"{"b":1}"#, #"{"c":3,"b":1,"a":2}"#, #"{"b":1,"a":2,"d":4}"#, #"{"b":1 ,"a":2}"#]),
        GrammarCase(
            name: "optional properties: any of them, in schema order",
            schema: #"""
                {"type": "object", "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}, "z": {"type": "integer"}},
                 "additionalProperties": false}
                """#,
            accepts: ["{}", "{ }", #"{"x":1}"#, #"{"y":1}"#, #"{"z":1}"#, #"{"x":1,"z":3}"#, #"{"x":1,"y":2,"z":3}"#],
            rejects: [#"{"y":1,"x":2}"#, #"{"x":1,"x":1}"#, "{,}", #"{"x":1,}"#]),
        GrammarCase(
            name: "additionalProperties absent beside properties: no other keys",
            schema: #"{"properties": {"a": {"type": "integer"}}}"#,
            accepts: ["{}", #"{"a":1}"#],
            rejects: [#"{"b":1}"#, "1"]),
        GrammarCase(
            name: "object without properties: any object, no space before a colon",
            schema: #"{"type": "object"}"#,
            accepts: ["{}", #"{"k": [1, {"n": null}], "z": "s"}"#],
            rejects: [#"{"k" : 1}"#, "[]"]),
        GrammarCase(
            name: "additionalProperties schema beside properties",
            schema: #"""
                {"type": "object", "properties": {"a": {"type": "number"}}, "required": ["a"],
                 "additionalProperties": {"type": "string"}}
                """#,
            accepts: [#"{"a":1}"#, #"{"a":1,"b":"x","c":"y"}"#, #"{"a":1,"ab":"x"}"#, #"{"a" :1, "b":"x"}"#],
            rejects: [#"{"a":1,"b":2}"#, #"{"a":1,"a":"x"}"#, #"{"b":"x","a":1}"#, #"{"a":1,"b" :"x"}"#]),
        GrammarCase(
            name: "other keys may not be a proper prefix of a property name (quirk kept)",
            schema: #"{"properties": {"ab": {"type": "integer"}}, "additionalProperties": {"type": "integer"}}"#,
            accepts: [#"{"b":1}"#, #"{"abc":1}"#, #"{"ab":1,"x":2}"#, #"{"":1}"#, #"{"x":1,"y":2}"#],
            rejects: [#"{"a":1}"#, #"{"x":1,"ab":2}"#, #"{"ab":1,"ab":2}"#]),
        GrammarCase(
            name: "additionalProperties true beside properties",
            schema: #"{"properties": {"a": {"type": "integer"}}, "additionalProperties": true}"#,
            accepts: [#"{"a":1,"z":[true]}"#, #"{"z":null}"#, "{}"],
            rejects: [#"{"z":1,"a":1}"#]),
        GrammarCase(
            name: "no properties, additionalProperties false",
            schema: #"{"type": "object", "additionalProperties": false}"#,
            accepts: ["{}", "{ }"],
            rejects: [#"{"a":1}"#]),
        GrammarCase(
            name: "properties without a type make an object",
            schema: #"{"properties": {"a": {"const": 1}}, "required": ["a"]}"#,
            accepts: [#"{"a":1}"#],
            rejects: ["1", "{}"]),
        GrammarCase(
            name: "property names are escaped as JSON",
            schema: #"{"properties": {"say \"hi\"": {"type": "null"}, "é": {"type": "null"}}, "required": ["say \"hi\"", "é"]}"#,
            accepts: [#"{"say \"hi\"":null,"é":null}"#],
            rejects: [#"{"say "hi"":null,"é":null}"#]),
    ]

    static let arrays: [GrammarCase] = [
        GrammarCase(
            name: "prefixItems: exactly those items, in order",
            schema: #"{"type": "array", "prefixItems": [{"type": "string", "pattern": "^Tea.{0,5}$"}, {"type": "integer"}]}"#,
            accepts: [#"["Tea",1]"#, #"[ "Tea time", 2 ]"#],
            rejects: [#"["Coffee",1]"#, #"["Tea"]"#, #"["Tea",1,2]"#, #"[1,"Tea"]"#, "[]"]),
        GrammarCase(
            name: "prefixItems without a type",
            schema: #"{"prefixItems": [{"const": "a"}]}"#,
            accepts: [#"["a"]"#],
            rejects: [#"["b"]"#, "[]"]),
        GrammarCase(
            name: "minItems and maxItems",
            schema: #"{"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3}"#,
            accepts: ["[1]", "[1, 2,3]", "[ 1 ]"],
            rejects: ["[]", "[1,2,3,4]", "[\"a\"]"]),
        GrammarCase(
            name: "array without items: any values",
            schema: #"{"type": "array"}"#,
            accepts: ["[]", #"[1,"a",[null]]"#],
            rejects: ["[1,]", "{}"]),
        GrammarCase(
            name: "maxItems 0",
            schema: #"{"type": "array", "items": {"type": "integer"}, "maxItems": 0}"#,
            accepts: ["[]", "[ ]"],
            rejects: ["[1]"]),
        GrammarCase(
            name: "items without a type make an array",
            schema: #"{"items": {}, "minItems": 2}"#,
            accepts: [#"[1,"x"]"#, "[1,2,3]"],
            rejects: ["[1]", "1"]),
        GrammarCase(
            name: "nested arrays of objects",
            schema: #"""
                {"type": "array", "items": {"type": "object", "properties": {"tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 2}},
                 "required": ["tags"]}}
                """#,
            accepts: [#"[{"tags":[]},{"tags":["a","b"]}]"#],
            rejects: [#"[{"tags":["a","b","a"]}]"#, #"[{"tags":["c"]}]"#]),
    ]

    static let combinations: [GrammarCase] = [
        GrammarCase(
            name: "anyOf",
            schema: #"{"anyOf": [{"type": "integer", "minimum": 5, "maximum": 6}, {"type": "string", "maxLength": 1}]}"#,
            accepts: ["5", "6", #""a""#, #""""#],
            rejects: ["7", #""ab""#, "null"]),
        GrammarCase(
            name: "oneOf reads as anyOf in the grammar",
            schema: #"{"oneOf": [{"type": "boolean"}, {"type": "null"}]}"#,
            accepts: ["true", "null"],
            rejects: ["0"]),
        GrammarCase(
            name: "type list keeps the other keywords for each type",
            schema: #"{"type": ["string", "integer"], "maxLength": 2, "minimum": 3}"#,
            accepts: [#""ab""#, "3", "100"],
            rejects: [#""abc""#, "2"]),
        GrammarCase(
            name: "recursive $ref: a linked list",
            schema: #"""
                {"$ref": "#/$defs/node", "$defs": {"node": {"type": "object",
                 "properties": {"value": {"type": "integer"}, "next": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "null"}]}},
                 "required": ["value", "next"], "additionalProperties": false}}}
                """#,
            accepts: [#"{"value":1,"next":null}"#, #"{"value":1,"next":{"value":2,"next":{"value":3,"next":null}}}"#],
            rejects: [#"{"value":1}"#, #"{"value":1,"next":{"value":2}}"#]),
        GrammarCase(
            name: "recursive $ref through array items: a tree",
            schema: #"""
                {"$ref": "#/$defs/tree", "$defs": {"tree": {"type": "object",
                 "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
                 "required": ["name"]}}}
                """#,
            accepts: [#"{"name":"a"}"#, #"{"name":"a","children":[{"name":"b","children":[]},{"name":"c"}]}"#],
            rejects: [#"{"name":"a","children":[{}]}"#]),
        GrammarCase(
            name: "$ref into definitions",
            schema: #"""
                {"definitions": {"color": {"enum": ["red", "green"]}}, "type": "object",
                 "properties": {"c": {"$ref": "#/definitions/color"}}, "required": ["c"]}
                """#,
            accepts: [#"{"c":"red"}"#],
            rejects: [#"{"c":"blue"}"#]),
        GrammarCase(
            name: "$ref wins over the keywords beside it",
            schema: ##"{"$defs": {"n": {"type": "null"}}, "$ref": "#/$defs/n", "type": "integer"}"##,
            accepts: ["null"],
            rejects: ["1"]),
        GrammarCase(
            name: "$ref to another property",
            schema: ##"{"properties": {"a": {"type": "integer"}, "b": {"$ref": "#/properties/a"}}}"##,
            accepts: [#"{"a":1,"b":2}"#, #"{"b":2}"#],
            rejects: [#"{"b":"x"}"#]),
    ]
}
