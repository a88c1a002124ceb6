import Foundation
import ParleyImages
import Testing

/// The exact JSON each backend is sent.
struct ImageRequestBodyTests {
    @Test func txt2imgCarriesEveryParameter() {
        let request = ImageRequest(
            prompt: "a lighthouse <lora:ink:0.7>", negativePrompt: "blurry", steps: 12, seed: 42,
            size: ImageSize(width: 640, height: 384), cfgScale: 5.5, sampler: "DPM++ 2M")
        let body = SDWebUIRequestBuilder.body(for: request, checkpoint: "sd15.safetensors [abc]")
        #expect(body["prompt"] as? String == "a lighthouse <lora:ink:0.7>")
        #expect(body["negative_prompt"] as? String == "blurry")
        #expect(body["steps"] as? Int == 12)
        #expect(body["seed"] as? Int64 == 42)
        #expect(body["width"] as? Int == 640 && body["height"] as? Int == 384)
        #expect(body["cfg_scale"] as? Double == 5.5)
        #expect(body["sampler_name"] as? String == "DPM++ 2M")
        #expect(body["batch_size"] as? Int == 1)
        #expect((body["override_settings"] as? [String: String])?["sd_model_checkpoint"] == "sd15.safetensors [abc]")
        #expect(body["init_images"] == nil && body["alwayson_scripts"] == nil)
        #expect(SDWebUIRequestBuilder.path(for: request) == "sdapi/v1/txt2img")
    }

    @Test func img2imgSendsTheInitImageAsBase64() {
        let request = ImageRequest(prompt: "p", initImage: Data([1, 2, 3]), denoisingStrength: 0.4)
        let body = SDWebUIRequestBuilder.body(for: request, checkpoint: nil)
        #expect(body["init_images"] as? [String] == ["AQID"])
        #expect(body["denoising_strength"] as? Double == 0.4)
        #expect(body["seed"] as? Int64 == -1)
        #expect(body["override_settings"] == nil)
        #expect(SDWebUIRequestBuilder.path(for: request) == "sdapi/v1/img2img")
    }

    @Test func controlNetGoesThroughAlwaysOnScripts() throws {
        let control = ControlInput(image: Data([0xFF]), module: "canny", weight: 0.8)
        let model = SDWebUIRequestBuilder.controlModel(for: control, available: ["control_depth [1]", "control_v11p_sd15_canny [d14c]"])
        #expect(model == "control_v11p_sd15_canny [d14c]")
        let body = SDWebUIRequestBuilder.body(for: ImageRequest(prompt: "p", control: control), checkpoint: nil, controlModel: model)
        let scripts = try #require(body["alwayson_scripts"] as? [String: Any])
        let args = try #require((scripts["controlnet"] as? [String: Any])?["args"] as? [[String: Any]])
        #expect(args.count == 1)
        #expect(args[0]["image"] as? String == "/w==")
        #expect(args[0]["module"] as? String == "canny")
        #expect(args[0]["model"] as? String == "control_v11p_sd15_canny [d14c]")
        #expect(args[0]["weight"] as? Double == 0.8)
        #expect(args[0]["enabled"] as? Bool == true)
    }

    @Test func openAIAsksForBase64() {
        let body = OpenAIImagesRequestBuilder.body(for: ImageRequest(prompt: "p", size: ImageSize(width: 256, height: 256)), model: "gpt-image-1")
        #expect(body["response_format"] as? String == "b64_json")
        #expect(body["size"] as? String == "256x256")
        #expect(body["n"] as? Int == 1)
        #expect(body["model"] as? String == "gpt-image-1")
        #expect(body["prompt"] as? String == "p")
    }

    @Test func sizesParseWithinTheirRange() {
        #expect(ImageSize(parsing: "512x768") == ImageSize(width: 512, height: 768))
        #expect(ImageSize(parsing: "512×768") == ImageSize(width: 512, height: 768))
        for bad in ["512", "x", "0x512", "50000x50000", "512x", "-1x512"] { #expect(ImageSize(parsing: bad) == nil, "\(bad)") }
    }
}
