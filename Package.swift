// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
        .library(name: "GGUFRuntime", targets: ["GGUFRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Values, the backend seam, context fitting, terminal sanitising. Foundation only.
        .target(name: "ParleyCore"),
        // Crash-safe JSON persistence: conversations, index, locks, quarantine, trash.
        .target(name: "ParleyStore", dependencies: ["ParleyCore"]),
        // The conversation engine: runs a turn, checkpoints the reply as it streams.
        .target(name: "ParleyEngine", dependencies: ["ParleyCore", "ParleyStore", "StructuredOutput"]),
        // Feedback on replies (ratings, choices, ideal answers) as training data: the row builders of
        // each export format, redaction, listing and counts. Pure.
        .target(name: "ParleyFeedback", dependencies: ["ParleyCore", "ParleyEngine"]),
        // The config file: backends and defaults, validated on load.
        .target(name: "ParleyConfig", dependencies: ["ParleyCore", "TOMLKit"]),
        // Persona files: YAML front matter, a system prompt and few-shot examples.
        .target(name: "ParleyPersonas", dependencies: ["ParleyCore", "Yams"]),
        // Write mode: templates (read like personas) with fields and controls; drafts with versions and line diffs.
        .target(name: "ParleyWrite", dependencies: ["ParleyCore", "ParleyPersonas", "ParleyStore", "ParleyEngine"]),
        // OpenAI-compatible HTTP backend over URLSession.
        .target(name: "ParleyHTTP", dependencies: ["ParleyCore", "CLibcurl"]),
        // The system's libcurl, loaded at run time (no headers needed to build): model downloads
        // on Linux read through it directly, in large pieces.
        .target(name: "CLibcurl", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // libpng and libjpeg as system libraries: the only picture decoders (never a home-made one).
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", providers: [.apt(["libjpeg-dev"])]),
        // Pictures: the SD WebUI and OpenAI images backends, header checks and decoding, the
        // half-block rasteriser and terminal image protocols.
        .target(name: "ParleyImages", dependencies: ["ParleyCore", "ParleyHTTP", "ParleyStore", "CPNG", "CJPEG"]),
        // The in-process GGUF runtime; knows nothing of Parley.
        // Optimised even in debug builds: at -O0 the model tests would take many minutes.
        .target(name: "CGGUFKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // Grammar matching and sampling are Swift: optimised in debug builds too, for the same reason.
        .target(
            name: "GGUFRuntime", dependencies: ["CGGUFKernels"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // JSON values that keep key order, JSON Schema (a supported subset): conversion to a GBNF grammar and validation. Foundation only.
        .target(name: "StructuredOutput"),
        // Greedy-generation speed of the GGUF runtime (a benchmark tool, not shipped).
        .executableTarget(name: "gguf-bench", dependencies: ["GGUFRuntime"], path: "Benchmarks/GGUFBench"),
        // SHA-256 in C: the SHA instructions when the processor has them, portable C otherwise.
        .target(name: "CSHA256", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // Local models: specs, the catalog, the Hub's listing, resumable checked downloads, the models folder.
        .target(name: "ParleyModels", dependencies: ["ParleyCore", "ParleyStore", "ParleyHTTP", "GGUFRuntime", "CSHA256"]),
        // Adapts the GGUF runtime to the ChatBackend seam; saves model states in the store's cache.
        .target(name: "ParleyLocal", dependencies: ["ParleyCore", "ParleyStore", "GGUFRuntime", "StructuredOutput"]),
        // Decision support: the matrix arithmetic, tolerant reading of model answers, the staged flow.
        .target(name: "ParleyDecide", dependencies: ["ParleyCore", "ParleyStore", "ParleyEngine", "StructuredOutput"]),
        // The chat screen, pure: state, reducer, key decoding, display width, wrapping, views into a cell buffer.
        .target(name: "ParleyTUI", dependencies: ["ParleyCore", "ParleyDecide", "ParleyWrite"]),
        // ncursesw as a system library; the only C the chat screen needs.
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW", providers: [.apt(["libncursesw5-dev"])]),
        // The one adapter that touches ncurses and the terminal: start/stop, draw a cell buffer, read input.
        .target(name: "CursesTerminal", dependencies: ["CNCursesW", "ParleyCore", "ParleyTUI"]),
        // The application: every command's logic and the chat screen's runtime (the effect runner,
        // the event loop). A library, so that unit tests reach all of it.
        .target(
            name: "ParleyApp",
            dependencies: [
                "ParleyCore", "ParleyStore", "ParleyEngine", "ParleyConfig", "ParleyHTTP", "ParleyPersonas",
                "ParleyWrite", "ParleyDecide", "ParleyLocal", "GGUFRuntime", "ParleyFeedback", "ParleyModels",
                "ParleyTUI", "CursesTerminal", "StructuredOutput", "ParleyImages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The entry point only.
        .executableTarget(name: "parley", dependencies: ["ParleyApp"]),

        // Test doubles and tools shared by the tests: never linked into the product.
        .target(name: "ParleyTestSupport", dependencies: ["ParleyCore"], path: "Tests/ParleyTestSupport"),
        // The `.heavy` test trait: tests that block a thread or busy the cores run off the shared executor, a few at a time.
        .target(name: "ParleyTestThreads", path: "Tests/ParleyTestThreads"),
        .testTarget(name: "ParleyCoreTests", dependencies: ["ParleyCore"]),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: ["ParleyTestThreads", "ParleyStore", "ParleyTestSupport", "parley-store-crash-helper"]),
        // A process the store tests start and SIGKILL mid-write; and the store benchmark.
        .executableTarget(
            name: "parley-store-crash-helper", dependencies: ["ParleyStore", "ParleyTestSupport"],
            path: "Tests/StoreCrashHelper"),
        .executableTarget(name: "parley-store-bench", dependencies: ["ParleyStore"], path: "Benchmarks/StoreBench"),
        .testTarget(name: "ParleyFeedbackTests", dependencies: ["ParleyFeedback", "ParleyCore"]),
        .testTarget(name: "ParleyEngineTests", dependencies: ["ParleyEngine", "ParleyStore", "ParleyTestSupport"]),
        .testTarget(name: "ParleyConfigTests", dependencies: ["ParleyTestThreads", "ParleyConfig", "ParleyTestSupport"]),
        .testTarget(name: "ParleyPersonasTests", dependencies: ["ParleyPersonas", "ParleyTestSupport"]),
        .testTarget(
            name: "ParleyWriteTests", dependencies: ["ParleyWrite", "ParleyEngine", "ParleyStore", "ParleyTestSupport", "StructuredOutput"]),
        .testTarget(name: "ParleyHTTPTests", dependencies: ["ParleyHTTP", "ParleyTestSupport"]),
        .testTarget(name: "ParleyModelsTests", dependencies: ["ParleyTestThreads", "ParleyModels", "ParleyTestSupport", "CSHA256", "GGUFRuntime"]),
        .testTarget(name: "ParleyImagesTests", dependencies: ["ParleyTestThreads", "ParleyImages", "ParleyCore", "ParleyHTTP", "ParleyStore", "ParleyTestSupport"]),
        .testTarget(
            name: "ParleyLocalTests",
            dependencies: ["ParleyTestThreads", "ParleyLocal", "ParleyCore", "ParleyStore", "ParleyTestSupport", "GGUFRuntime", "StructuredOutput"],
            exclude: ["Fixtures"]),
        // Streams from the fault server as fast as it can and reports the cost per chunk.
        .executableTarget(
            name: "http-stream-bench", dependencies: ["ParleyHTTP", "ParleyTestSupport"], path: "Benchmarks/http-stream-bench"),
        .testTarget(name: "GGUFRuntimeTests", dependencies: ["ParleyTestThreads", "ParleyTestSupport", "GGUFRuntime"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StructuredOutputTests", dependencies: ["ParleyTestThreads", "StructuredOutput"]),
        // Usefulness of write (and later decide) on the default model, through the release binary.
        .executableTarget(name: "parley-usefulness", dependencies: ["ParleyWrite"], path: "Benchmarks/usefulness/Runner"),
        // The decision analysis benchmark (matrix sizes against time per recomputation).
        .executableTarget(name: "parley-decide-bench", dependencies: ["ParleyDecide"], path: "Benchmarks/DecideBench"),
        .testTarget(
            name: "ParleyDecideTests",
            dependencies: ["ParleyDecide", "ParleyCore", "ParleyStore", "ParleyEngine", "ParleyTestSupport", "StructuredOutput"],
            exclude: ["Fixtures"]),
        .testTarget(name: "ParleyTUITests", dependencies: ["ParleyTUI", "ParleyCore", "ParleyDecide", "ParleyWrite"], exclude: ["Snapshots"]),
        .testTarget(
            name: "ParleyTUIEndToEndTests", dependencies: ["ParleyTestThreads", "parley", "ParleyCore", "ParleyImages", "ParleyTestSupport"]),
        // The chat screen benchmark: key press to cell buffer, start-up, streaming CPU.
        .executableTarget(
            name: "parley-tui-bench", dependencies: ["ParleyTUI", "ParleyCore", "ParleyStore", "ParleyWrite", "ParleyTestSupport"],
            path: "Benchmarks/TUIBench"),
        // The chat's effect runner against stores in a temporary directory and backend doubles: no terminal.
        .testTarget(
            name: "ParleyAppTests",
            dependencies: [
                "ParleyApp", "ParleyTestSupport", "ParleyCore", "ParleyStore", "ParleyTUI", "ParleyWrite", "ParleyDecide",
                "ParleyPersonas", "ParleyImages", "ParleyConfig", "ParleyEngine", "ParleyHTTP", "ParleyModels",
            ]),
        .testTarget(name: "ParleyCLITests", dependencies: ["ParleyTestThreads", "parley", "ParleyCore", "ParleyStore", "ParleyImages", "ParleyTestSupport"]),
    ]
)
