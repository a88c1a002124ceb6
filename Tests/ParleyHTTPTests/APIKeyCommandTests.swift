import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

@testable import ParleyHTTP

/// `api_key_cmd` runs a program nobody here wrote: it gets 10 s and 64 KiB, and its failures are
/// one line that never quotes what it printed.
@Suite(.timeLimit(.minutes(1)))
struct APIKeyCommandTests {
    /// Runs the resolver on a thread of its own: it blocks while the command runs, and a test
    /// must not hold one of the few threads every other test's tasks run on for seconds.
    func resolve(_ command: String) async -> (key: String?, error: Error?, seconds: Double) {
        await OwnThread.run {
            let start = Date()
            do {
                let key = try APIKeyResolver(environment: ["PATH": "/usr/bin:/bin"]).resolve(.command(command))
                return (key, nil, Date().timeIntervalSince(start))
            } catch {
                return (nil, error, Date().timeIntervalSince(start))
            }
        }
    }

    @Test func aCommandThatDoesNotFinishIsStoppedAfterTenSeconds() async throws {
        let result = await resolve("sleep 12; echo late-$((6 * 7))-key")
        let error = try #require(result.error, "returned \(String(describing: result.key)) after \(result.seconds) s")
        let line = oneLineDescription(of: error)
        #expect(line.contains("10 s"), "\(line)")
        #expect(!line.contains("late-42-key"))
        #expect(result.seconds < 11.5)
    }

    @Test func outputPastSixtyFourKiBIsRefused() async throws {
        let result = await resolve("head -c 200000 /dev/zero | tr '\\0' k")
        let error = try #require(result.error, "accepted a key of \(result.key?.count ?? 0) bytes")
        let line = oneLineDescription(of: error)
        #expect(line.contains("64 KiB"), "\(line)")
        #expect(!line.contains("kkkk"))
    }

    @Test func endlessOutputIsCutOffQuickly() async throws {
        let result = await resolve("yes")
        let error = try #require(result.error)
        #expect(oneLineDescription(of: error).contains("64 KiB"))
        #expect(result.seconds < 5)
    }

    @Test func aNormalCommandStillWorks() async throws {
        #expect(await resolve("printf 'sk-abc\\nmore\\n'").key == "sk-abc")
    }
}
