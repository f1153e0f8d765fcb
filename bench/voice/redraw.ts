/** Redraws docs/img/mirrornet-voice.svg from the panels' data beside it (mirrornet-voice.json), without a bench run. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { voiceFigure, type FigurePanel } from './figure';

const dir = join(__dirname, '..', '..', 'docs', 'img');
const panels = JSON.parse(readFileSync(join(dir, 'mirrornet-voice.json'), 'utf8')) as FigurePanel[];
void voiceFigure(panels).then((svg) => writeFileSync(join(dir, 'mirrornet-voice.svg'), svg));
