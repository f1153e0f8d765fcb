{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 6,
			"revision": 0,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			80,
			80,
			820,
			480
		],
		"bglocked": 0,
		"openinpresentation": 0,
		"default_fontsize": 12,
		"default_fontface": 0,
		"default_fontname": "Arial",
		"gridonopen": 1,
		"gridsize": [
			15,
			15
		],
		"gridsnaponopen": 1,
		"objectsnaponopen": 1,
		"statusbarvisible": 2,
		"toolbarvisible": 1,
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						10,
						760,
						20
					],
					"text": "mirrorbridge - neural models of a synthesizer's controls (MirrorNet) and of timbre (VQ-VAE), in Max",
					"linecount": 1
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						35,
						760,
						48
					],
					"text": "The engine runs inside Max through Node for Max ([mb.bridge]); \"server/start\" lets PureData and browsers join the same session over OSC (UDP 9130) and WebSocket/OSCQuery (HTTP 9131). Click a message to open an example; several can be open at once: their [mb.bridge]s share one engine (the first one opened runs it).",
					"linecount": 3
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						310,
						70,
						22
					],
					"text": "pcontrol"
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						100,
						271,
						22
					],
					"text": "load mirrorbridge.vocal-sketch.maxpat"
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						300,
						100,
						480,
						34
					],
					"text": "vocal sketch -> live parameters -> the plant synth (or a plug-in in vst~)",
					"linecount": 2
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						150,
						313,
						22
					],
					"text": "load mirrorbridge.melody-resynthesis.maxpat"
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						300,
						150,
						480,
						34
					],
					"text": "melody resynthesis: drop a file, infer, hear the plant rendering next to the original",
					"linecount": 2
				}
			},
			{
				"box": {
					"id": "obj-8",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						200,
						327,
						22
					],
					"text": "load mirrorbridge.descriptor-synthesis.maxpat"
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						300,
						200,
						480,
						34
					],
					"text": "descriptor-based synthesis: draw loudness and brightness curves, synthesize with the VQ-VAE, play",
					"linecount": 2
				}
			},
			{
				"box": {
					"id": "obj-10",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						250,
						313,
						22
					],
					"text": "load mirrorbridge.latent-deformation.maxpat"
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						300,
						250,
						480,
						34
					],
					"text": "latent deformation: encode, scale/bias/randomize/reverse, the interpolation plane of four sounds, decode, play, save",
					"linecount": 2
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						350,
						760,
						34
					],
					"text": "Abstractions (each has a help patch): [mb.bridge] [mb.capture~] [mb.params] [mb.synth~] [mb.vst-map]. First time: run npm install && npm run build in the mirrorbridge folder; see the package README.",
					"linecount": 2
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"destination": [
						"obj-3",
						0
					],
					"source": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-3",
						0
					],
					"source": [
						"obj-6",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-3",
						0
					],
					"source": [
						"obj-8",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-3",
						0
					],
					"source": [
						"obj-10",
						0
					]
				}
			}
		],
		"dependency_cache": [],
		"autosave": 0
	}
}
