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
