/**
 * A job's result as the JSON a reply carries (/mb/job/done's string, the Max mb.job dict): at
 * most MAX_RESULT_JSON characters, and always valid JSON. A result that fits goes whole. A
 * longer one (e.g. the notes of a long melody) becomes a summary: the result's top-level
 * fields that fit, smallest first, and `truncated` saying how long the whole was and what each
 * left-out field held. A cut string would not parse at all.
 *
 * @example
 * resultJson({ out: 'y.wav', notes: [...hundreds] });
 * // '{"out":"y.wav","truncated":{"chars":41234,"limit":8000,"omitted":{"notes":{"length":300}}}}'
 */
export const MAX_RESULT_JSON = 8000;

type Shape = { length: number } | { keys: number } | { chars: number } | { type: string };

function shapeOf(v: unknown): Shape {
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return { length: (v as ArrayLike<unknown>).length };
  if (typeof v === 'string') return { chars: v.length };
  if (v !== null && typeof v === 'object') return { keys: Object.keys(v).length };
  return { type: typeof v };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);

export function resultJson(value: unknown, limit: number = MAX_RESULT_JSON): string {
  let full: string;
  try {
    full = JSON.stringify(value ?? null) ?? 'null';
  } catch {
    return 'null';
  }
  if (full.length <= limit) return full;
  const bare = JSON.stringify({ truncated: { chars: full.length, limit } });
  if (!isRecord(value)) {
    const json = JSON.stringify({ truncated: { chars: full.length, limit, omitted: { result: shapeOf(value) } } });
    return json.length <= limit ? json : bare;
  }
  const keys = Object.keys(value);
  const kept = new Set<string>();
  const build = () => {
    const out: Record<string, unknown> = {};
    const omitted: Record<string, Shape> = {};
    for (const k of keys) {
      if (kept.has(k)) out[k] = value[k];
      else omitted[k] = shapeOf(value[k]);
    }
    return JSON.stringify({ ...out, truncated: { chars: full.length, limit, omitted } });
  };
  let json = build();
  if (json.length > limit) return bare;
  const bySize = keys.map((k) => [k, JSON.stringify(value[k])?.length ?? 0] as const).sort((a, b) => a[1] - b[1]);
  for (const [k] of bySize) {
    kept.add(k);
    const next = build();
    if (next.length <= limit) json = next;
    else kept.delete(k);
  }
  return json;
}
