/**
 * What the page knows of the bridge before it draws anything, over HTTP from the bridge itself:
 * the verb table (/ui/verbs.json: every address with its arguments' names, types, ranges, units
 * and descriptions) and the loaded models' manifests (/ui/models.json: parameter names, ranges,
 * units, rates).
 */
export interface PageArg {
  name: string;
  type: 'i' | 'f' | 's' | 'b';
  description: string;
  min?: number;
  max?: number;
  values?: string[];
  unit?: string;
  optional?: boolean;
  default?: number | string;
  repeat?: { min: number; max: number };
}

export interface PageVerb {
  address: string;
  direction: 'in' | 'out';
  group: string;
  description: string;
  signatures: PageArg[][];
}

export interface PageParam {
  name: string;
  range: [number, number];
  unit: string;
  unitRange?: [number, number];
  scale?: 'linear' | 'log';
}

export interface PageModel {
  name: string;
  kind: string;
  version: string;
  audio: { sampleRate: number; settings: Record<string, unknown> };
  params?: PageParam[];
  latency: { samples: number; lookaheadSamples: number };
  /** VQ models: the codebook, and where its descriptor table is served. */
  codebook?: { size: number; latentDim: number; descriptors: string };
  extra?: { framesPerSecond?: number } & Record<string, unknown>;
}

export interface Catalog {
  verbs: PageVerb[];
  models: PageModel[];
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function loadCatalog(base = ''): Promise<Catalog> {
  const [verbs, models] = await Promise.all([json<PageVerb[]>(`${base}/ui/verbs.json`), json<PageModel[]>(`${base}/ui/models.json`)]);
  return { verbs, models };
}

/** Control frames per second of a stream model: its manifest's, or one per hop of its features. */
export function framesPerSecond(model: PageModel): number {
  const fps = model.extra?.framesPerSecond;
  if (typeof fps === 'number' && fps > 0) return fps;
  const hop = model.audio.settings.hop;
  return typeof hop === 'number' && hop > 0 ? model.audio.sampleRate / hop : 100;
}

/** A parameter's axis label: its name and unit, e.g. 'cutoff (Hz)'. */
export function axisLabel(p: PageParam): string {
  return p.unit && p.unit !== 'normalized' ? `${p.name} (${p.unit})` : p.name;
}
