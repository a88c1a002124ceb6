import Foundation
import ParleyCore
import Testing

@testable import ParleyTUI

/// The table of what each slash command needs (idle, a writable conversation, a mode), checked
/// once before any command runs: each command is refused with the table's notice when a
/// requirement is not met, and not refused by the table when all are.
@Suite("Command requirements")
struct CommandRequirementsTests {
    /// A line for each command, as typed.
    static let lines: [SlashCommandKind: String] = [
        .new: "/new", .title: "/title Laptops", .persona: "/persona coder", .mode: "/mode chat", .backend: "/backend local",
        .model: "/model other", .lora: "/lora off", .system: "/system be brief", .schema: "/schema off", .retry: "/retry",
        .edit: "/edit", .export: "/export md", .search: "/search cup", .delete: "/delete", .copy: "/copy",
        .option: "/option add Gamma", .criterion: "/criterion weight:2", .score: "/score Beta:battery=6", .decide: "/decide",
        .outcome: "/outcome bought Alpha", .write: "/write slogan", .version: "/version 1", .diff: "/diff", .save: "/save out.txt",
        .rate: "/rate up", .prefer: "/prefer 1", .ideal: "/ideal", .image: "/image a cat", .open: "/open", .think: "/think",
        .help: "/help", .quit: "/quit",
    ]

    /// A stored, idle, writable harness in the mode the command needs (with that mode's panel).
    static func harness(for kind: SlashCommandKind) throws -> ChatHarness {
        switch CommandRequirements.of(kind).mode {
        case .decide?:
            return DecideModeTests.withRecord()
        case .write?:
            return try WriteModeTests.withTwoVersions().0
        default:
            return WriteModeTests.harness(messages: ChatHarness.conversation(turns: 2))
        }
    }

    /// The notices the table gives; a command the table lets through shows none of them.
    static func tableNotices(_ kind: SlashCommandKind) -> [ChatNotice] {
        [ChatReducer.busyNotice, ChatReducer.readOnlyNotice]
            + Mode.allCases.map { CommandRequirements.wrongMode($0, command: kind.rawValue) }
    }

    static func run(_ kind: SlashCommandKind, _ h: inout ChatHarness) throws -> [ChatEffect] {
        h.state.notice = nil
        return WriteModeTests.command(&h, try #require(lines[kind]))
    }

    @Test func everyCommandHasARowAndItsNameIsTheCataloguesName() throws {
        #expect(Set(SlashCommandKind.allCases.map(\.rawValue)) == Set(SlashCommand.catalogue.map(\.name)))
        for kind in SlashCommandKind.allCases {
            let line = try #require(Self.lines[kind], "\(kind)")
            #expect(try SlashCommand.parse(line).get().kind == kind, "\(line)")
        }
    }

    /// A requirement the screen can fail while in the command's mode.
    enum Unmet: CaseIterable, Sendable {
        case replyStreaming, readOnly

        func apply(to h: inout ChatHarness) {
            switch self {
            case .replyStreaming: h.state.phase = .waiting(since: ChatHarness.epoch)
            case .readOnly: h.state.isReadOnly = true
            }
        }

        /// Whether the command's row asks for what is missing, and the notice that says so.
        func required(_ kind: SlashCommandKind) -> (Bool, ChatNotice) {
            switch self {
            case .replyStreaming: return (CommandRequirements.of(kind).idle, ChatReducer.busyNotice)
            case .readOnly: return (CommandRequirements.of(kind).writable, ChatReducer.readOnlyNotice)
            }
        }
    }

    @Test(arguments: SlashCommandKind.allCases, Unmet.allCases)
    func refusedExactlyWhenTheRowAsksForWhatIsMissing(_ kind: SlashCommandKind, _ unmet: Unmet) throws {
        var h = try Self.harness(for: kind)
        unmet.apply(to: &h)
        let effects = try Self.run(kind, &h)
        let (required, notice) = unmet.required(kind)
        if required {
            #expect(effects.isEmpty, "\(kind)")
            #expect(h.state.notice == notice, "\(kind)")
        } else {
            #expect(h.state.notice != notice, "\(kind)")
        }
    }

    @Test(arguments: SlashCommandKind.allCases)
    func inTheWrongMode(_ kind: SlashCommandKind) throws {
        guard let mode = CommandRequirements.of(kind).mode else { return }
        var h = WriteModeTests.harness(messages: ChatHarness.conversation(turns: 2))
        h.state.conversation.mode = mode == .chat ? .write : .chat
        #expect(try Self.run(kind, &h).isEmpty, "\(kind)")
        #expect(h.state.notice == CommandRequirements.wrongMode(mode, command: kind.rawValue), "\(kind)")
    }

    @Test(arguments: SlashCommandKind.allCases)
    func allowedWhenEveryRequirementIsMet(_ kind: SlashCommandKind) throws {
        var h = try Self.harness(for: kind)
        _ = try Self.run(kind, &h)
        #expect(!Self.tableNotices(kind).contains { $0 == h.state.notice }, "\(kind): \(h.state.notice?.text ?? "")")
    }

    /// Commands that were not guarded before the table, or guarded with another notice.
    @Test func theRowsThatChangedWhatACommandDoes() throws {
        var readOnly = WriteModeTests.harness(messages: ChatHarness.conversation(turns: 2))
        readOnly.state.isReadOnly = true
        for line in ["/title Laptops", "/mode decide", "/system be brief", "/retry", "/edit", "/write slogan", "/persona coder"] {
            readOnly.state.notice = nil
            #expect(WriteModeTests.command(&readOnly, line).isEmpty, "\(line)")
            #expect(readOnly.state.notice == ChatReducer.readOnlyNotice, "\(line)")
        }
        #expect(readOnly.state.conversation.mode == .chat && readOnly.state.conversation.title.isEmpty)
        // `/write` during a reply said a version was being written; it is the reply that streams.
        var busy = WriteModeTests.harness()
        busy.state.phase = .waiting(since: ChatHarness.epoch)
        #expect(WriteModeTests.command(&busy, "/write slogan").isEmpty)
        #expect(busy.state.notice == ChatReducer.busyNotice)
        #expect(WriteModeTests.form(busy) == nil)
    }

    @Test func theFirstUnmetRequirementIsTheOneNamed() {
        var h = WriteModeTests.harness()
        h.state.phase = .waiting(since: ChatHarness.epoch)
        h.state.isReadOnly = true
        #expect(CommandRequirements.of(.decide).refusal(h.state, command: "decide") == CommandRequirements.wrongMode(.decide, command: "decide"))
        #expect(CommandRequirements.of(.image).refusal(h.state, command: "image") == ChatReducer.busyNotice)
        #expect(CommandRequirements.of(.title).refusal(h.state, command: "title") == ChatReducer.readOnlyNotice)
        #expect(CommandRequirements.of(.help).refusal(h.state, command: "help") == nil)
    }
}
