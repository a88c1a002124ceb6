import Testing
@testable import ParleyCore

@Suite("Crisis language check")
struct CrisisCheckTests {
    @Test(arguments: [
        "I want to kill myself", "i've been thinking about SUICIDE", "Sometimes I feel like I don't want to live anymore",
        "I just want to end it all", "I have been   cutting myself again", "I wanna die", "what's the point, I'd be better off dead",
        "我想自杀", "我真的不想活了", "活不下去了", "我想結束自己", "最近总想割腕",
    ])
    func crisisLanguageIsRecognised(text: String) {
        #expect(CrisisCheck.matches(text))
    }

    @Test(arguments: [
        "Help me plan a birthday party", "This bug is killing me", "I could die laughing at this movie",
        "How do I kill a process in Linux?", "我想学习自然语言处理", "The battery died", "",
    ])
    func ordinaryTextIsNot(text: String) {
        #expect(!CrisisCheck.matches(text))
    }

    @Test func noticePointsToEmergencyServicesAndCrisisLines() {
        #expect(CrisisCheck.notice.contains("emergency number"))
        #expect(CrisisCheck.notice.contains("988"))
        #expect(CrisisCheck.notice.contains("116 123"))
    }
}

/// The check runs on every message before it is sent, so its cost must stay small at the input
/// cap: a 1 MiB message took seconds (5 MB took 33 s) when it compared characters.
@Suite("Crisis check cost")
struct CrisisCheckCostTests {
    @Test func aMessageAtTheInputCapIsCheckedQuickly() {
        let filler = String(repeating: "word and 字 ", count: 80_000)  // about 1 MiB
        let clock = ContinuousClock()
        var found = (plain: true, atTheEnd: false)
        let elapsed = clock.measure {
            found.plain = CrisisCheck.matches(filler)
            found.atTheEnd = CrisisCheck.matches(filler + " I want to kill myself") && CrisisCheck.matches(filler + "我想自杀")
        }
        #expect(!found.plain)
        #expect(found.atTheEnd)
        // Three checks of about 1 MiB: 5.8 s before, 0.5 s now in a debug build (1.5 s with the
        // whole suite running beside it); the bound leaves room for a loaded machine.
        #expect(elapsed < .seconds(4), "took \(elapsed)")
    }
}
