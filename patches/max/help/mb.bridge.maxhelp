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
			900,
			1000
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
						300,
						20
					],
					"text": "mb.bridge",
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
						34,
						840,
						62
					],
					"text": "Runs the mirrorbridge engine inside Max (Node for Max): models by name, live streams, offline jobs; \"server/start\" starts the OSC (UDP) and WebSocket/OSCQuery (HTTP) servers over the same engine, so PureData and browsers join the session. A message is its OSC address without /mb/ (stream/open = /mb/stream/open), and so is a reply. Replies come out of the left outlet and [r mb.out].",
					"linecount": 4
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"",
						"",
						""
					],
					"patching_rect": [
						20,
						460,
						77,
						22
					],
					"text": "mb.bridge"
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
						80,
						89,
						22
					],
					"text": "models/list"
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						80,
						208,
						22
					],
					"text": "models/load mirrornet-stream"
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
						120,
						173,
						22
					],
					"text": "stream/open 1 44100 512"
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						120,
						110,
						22
					],
					"text": "stream/close 1"
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
						160,
						54,
						22
					],
					"text": "status"
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						160,
						96,
						22
					],
					"text": "files/locate"
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
						200,
						166,
						22
					],
					"text": "server/start 9130 9131"
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						200,
						89,
						22
					],
					"text": "server/stop"
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						240,
						418,
						22
					],
					"text": "job/resynth melody.wav melody-resynth.wav mirrornet-melody"
				}
			},
			{
				"box": {
					"id": "obj-13",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						240,
						383,
						22
					],
					"text": "job/vq encode voice.wav voice-codes.json vqvae-timbre"
				}
			},
			{
				"box": {
					"id": "obj-14",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						280,
						145,
						22
					],
					"text": "vq/deform scale 1.5"
				}
			},
			{
				"box": {
					"id": "obj-15",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						280,
						159,
						22
					],
					"text": "vq/deform transpose 2"
				}
			},
			{
				"box": {
					"id": "obj-16",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						320,
						124,
						22
					],
					"text": "vq/plane 0.3 0.7"
				}
			},
			{
				"box": {
					"id": "obj-17",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						320,
						173,
						22
					],
					"text": "vq/target centroid 1200"
				}
			},
			{
				"box": {
					"id": "obj-18",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						360,
						236,
						22
					],
					"text": "config modelsdir /path/to/models"
				}
			},
			{
				"box": {
					"id": "obj-19",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						440,
						360,
						96,
						22
					],
					"text": "job/cancel 1"
				}
			},
			{
				"box": {
					"id": "obj-20",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						500,
						140,
						22
					],
					"text": "print mirrorbridge"
				}
			},
			{
				"box": {
					"id": "obj-21",
					"maxclass": "newobj",
					"numinlets": 4,
					"numoutlets": 4,
					"outlettype": [
						"",
						"",
						"",
						""
					],
					"patching_rect": [
						200,
						500,
						252,
						22
					],
					"text": "route error stream/opened job/done"
				}
			},
			{
				"box": {
					"id": "obj-22",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						200,
						530,
						91,
						22
					],
					"text": "print error"
				}
			},
			{
				"box": {
					"id": "obj-23",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						300,
						530,
						98,
						22
					],
					"text": "print opened"
				}
			},
			{
				"box": {
					"id": "obj-24",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						400,
						530,
						112,
						22
					],
					"text": "print job-done"
				}
			},
			{
				"box": {
					"id": "obj-25",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						520,
						500,
						360,
						34
					],
					"text": "job/done <jobId> <name> mb.job: the job's result is in the dict mb.job",
					"linecount": 2
				}
			},
			{
				"box": {
					"id": "obj-26",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						700,
						460,
						68,
						22
					],
					"text": "starting"
				}
			},
			{
				"box": {
					"id": "obj-27",
					"maxclass": "newobj",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						700,
						430,
						91,
						22
					],
					"text": "prepend set"
				}
			},
			{
				"box": {
					"id": "obj-28",
					"maxclass": "newobj",
					"numinlets": 0,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						820,
						430,
						84,
						22
					],
					"text": "r mb.ready"
				}
			},
			{
				"box": {
					"id": "obj-29",
					"maxclass": "message",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						820,
						460,
						89,
						22
					],
					"text": "models/list"
				}
			},
			{
				"box": {
					"id": "obj-30",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						900,
						430,
						200,
						48
					],
					"text": "state: starting / ready / busy / idle; on ready this help lists the models by itself",
					"linecount": 3
				}
			},
			{
				"box": {
					"id": "obj-31",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						580,
						860,
						230
					],
					"text": "Messages: ping <token -2147483648..2147483647> / models/list / models/load <model> / models/unload <model> / stream/open <id 0..65535> <sampleRate 8000..192000> <blockSize 1..8192> [model] / stream/close <id 0..65535> / stream/latency <id 0..65535> / stream/smooth <id 0..65535> <amount 0..0.999> / stream/audio <id 0..65535> <samples -1000000..1000000...> / stream/pitch <id 0..65535> <fused|model> / stream/timbre <id 0..65535> <voice|model> / stream/map/transpose <id 0..65535> <semitones -48..48> / stream/map/fold <id 0..65535> <low 0..127> <high 0..127> / stream/map/quantize <id 0..65535> <off|chromatic|major|minor|harmonic-minor|dorian|mixolydian|pentatonic|minor-pentatonic|blues|whole-tone> [root 0..11] / stream/map/glide <id 0..65535> <ms 0..5000> / stream/map/gate <id 0..65535> <db -120..0> / stream/map/smooth <id 0..65535> <note|duration|volume|cutoff|resonance|attack|decay> <ms 0..5000> / stream/map/range <id 0..65535> <volume|cutoff|resonance|attack|decay> <low 0..1> <high 0..1> / stream/map/curve <id 0..65535> <volume|cutoff|resonance|attack|decay> <exponent 0.1..10> / job/infer <file> [model] [refine 0..32] [midi] / job/resynth <in> <out> [model] [refine 0..32] [rate 8000..192000] / vq/target <descriptor> <value -1000000..1000000> / vq/deform <scale|bias|randomize|reverse|stretch|freeze|transpose> <value -100..100> / vq/plane <x 0..1> <y 0..1> / job/vq <encode|decode|synth|deform|plane> <in> <out> [model] [rate 8000..192000] / job/draw <model> <out> <code|loudness|centroid|bandwidth|flatness|rolloff|f0|voicing> <seconds 0.05..60> <values -1000000..1000000...> / job/cancel <jobId 1..2147483647> / status / stream/default <id 0..65535> / files/import <path> [name] / files/corners <a> <b> <c> <d> [list] / files/locate / server/start [osc 0..65535] [http 0..65535] / server/stop / run <dict> / config <modelsdir|filesdir> <folder>.",
					"linecount": 16
				}
			},
			{
				"box": {
					"id": "obj-32",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						814,
						860,
						34
					],
					"text": "Also: bang = status; a number = stream/default <id> (the stream bare lists go to); a list of numbers = samples for that stream; a dict {\"command\": \"<message>\", \"args\": [...]} = that message.",
					"linecount": 2
				}
			},
			{
				"box": {
					"id": "obj-33",
					"maxclass": "comment",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						852,
						860,
						146
					],
					"text": "Out: pong <token> / models/entry <name> <kind> <loaded> / models/end <count> / models/loaded <name> <kind> <version> / models/unloaded <name> / stream/opened <id> <model> <latency> <params> / stream/paramnames <id> <names...> / stream/closed <id> <reason> / stream/latencysplit <id> <server> <algorithmic> <queued> <block> / params <id> <seq> <values...> / params/units <id> <seq> <values...> / stream/return <id> <samples> / vq/codes <id> <seq> <codes...> / vq/latent <id> <seq> <values...> / job/queued <jobId> <name> <position> / job/progress <jobId> <fraction> / job/note <jobId> <index> <onset> <duration> <midi> <cents> / job/notes <jobId> <midi...> / job/done <jobId> <name> mb.job / status/summary <models> <streams> <dropped> <latency> <jobs> <clients> / status/model <name> <kind> <version> <warm> / status/stream <id> <model> <sampleRate> <latency> <dropped> <frames> / status/json mb.status / error <code> <message> / files/imported <name> <path> / files/cornerlist <list> / files/folder <path> / server/serving <osc> <http> <url> / ready / busy / idle / configured <key> <folder>. JSON results go to dicts: mb.job (job/done), mb.status (status/json).",
					"linecount": 10
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
						"obj-5",
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
						"obj-7",
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
						"obj-9",
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
			},
			{
				"patchline": {
					"destination": [
						"obj-3",
						0
					],
					"source": [
						"obj-11",
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
						"obj-12",
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
						"obj-13",
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
						"obj-14",
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
						"obj-15",
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
						"obj-16",
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
						"obj-17",
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
						"obj-18",
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
						"obj-19",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-20",
						0
					],
					"source": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-21",
						0
					],
					"source": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-22",
						0
					],
					"source": [
						"obj-21",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-23",
						0
					],
					"source": [
						"obj-21",
						1
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-24",
						0
					],
					"source": [
						"obj-21",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-27",
						0
					],
					"source": [
						"obj-3",
						2
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-26",
						0
					],
					"source": [
						"obj-27",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-29",
						0
					],
					"source": [
						"obj-28",
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
						"obj-29",
						0
					]
				}
			}
		],
		"dependency_cache": [],
		"autosave": 0
	}
}
