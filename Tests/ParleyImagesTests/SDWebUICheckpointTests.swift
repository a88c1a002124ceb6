import ParleyImages
import Testing

/// Naming an SD WebUI checkpoint the way people do: title, file, short name or the start of one.
@Suite("SD WebUI checkpoint names")
struct SDWebUICheckpointTests {
    static let list = [
        SDWebUICheckpoint(title: "v1-5-pruned-emaonly.safetensors [6ce0161689]", modelName: "v1-5-pruned-emaonly"),
        SDWebUICheckpoint(title: "sdxl/sd_xl_base_1.0.safetensors [31e35c80fc]", modelName: "sdxl_sd_xl_base_1.0"),
        SDWebUICheckpoint(title: "sdxl/sd_xl_refiner_1.0.safetensors [7440042bbd]", modelName: "sdxl_sd_xl_refiner_1.0"),
        SDWebUICheckpoint(title: "Dreamshaper 8", modelName: "Dreamshaper 8"),
    ]

    func title(_ wanted: String) -> String? {
        try? SDWebUICheckpoint.resolve(wanted, in: Self.list).get().title
    }

    @Test func everyWayOfNamingOneFindsIt() {
        #expect(title("v1-5-pruned-emaonly.safetensors [6ce0161689]") == Self.list[0].title)
        #expect(title("V1-5-PRUNED-EMAONLY") == Self.list[0].title)
        #expect(title("v1-5-pruned-emaonly.safetensors") == Self.list[0].title)
        #expect(title("v1-5") == Self.list[0].title)
        #expect(title("sdxl_sd_xl_base") == Self.list[1].title)
        #expect(title("sdxl/sd_xl_ref") == Self.list[2].title)
        #expect(title("dreamshaper 8") == Self.list[3].title)
    }

    @Test func aNameThatFitsSeveralOrNoneIsRefusedWithWhatTheServerHas() {
        #expect(SDWebUICheckpoint.resolve("sdxl", in: Self.list)
            == .failure(.ambiguousCheckpoint(name: "sdxl", matches: [Self.list[1].title, Self.list[2].title])))
        #expect(SDWebUICheckpoint.resolve("flux", in: Self.list) == .failure(.unknownCheckpoint(name: "flux", available: Self.list.map(\.title))))
        #expect(ImageError.unknownCheckpoint(name: "flux", available: ["a", "b"]).description
            == "the image server has no checkpoint 'flux' (it has a, b)")
        #expect(ImageError.unknownCheckpoint(name: "flux", available: []).description == "the image server has no checkpoint 'flux' (it lists none)")
        let many = (1...10).map { "m\($0)" }
        #expect(ImageError.ambiguousCheckpoint(name: "m", matches: many).description
            == "'m' fits several of the image server's checkpoints: m1, m2, m3, m4, m5, m6, m7, m8, … (10 in all)")
    }

    @Test func anExactTitleWinsOverALongerOneItStarts() throws {
        let list = [SDWebUICheckpoint(title: "a", modelName: "a"), SDWebUICheckpoint(title: "ab", modelName: "ab")]
        #expect(try SDWebUICheckpoint.resolve("A", in: list).get().title == "a")
    }
}
