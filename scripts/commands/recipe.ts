// `--recipe NAME`: a named recipe (src/train/recipes.ts) sets every option it names, unless that
// option was given on the command line — what a person types always wins.
import type { Command } from 'commander';
import { recipe, RECIPE_NAMES, type Recipe } from '../../src/train/recipes.ts';

/** The recipe as values of the train command's options (commander's camel-cased keys). */
export function recipeOptions(r: Recipe): Record<string, unknown> {
  const { model: m, train: t, parts: p = {} } = r;
  const pairs: [string, unknown][] = [
    ['model', m.model],
    ['op', m.op],
    ['aggr', m.aggregation],
    ['layers', m.layers],
    ['channels', m.channels],
    ['groups', m.groups],
    ['dropout', m.dropout],
    ['tying', m.tying],
    ['inputDropout', m.inputDropout],
    ['features', m.features],
    ['tol', m.tolerance],
    ['warmupSteps', m.warmupSteps],
    ['solver', m.solver],
    ['jacobianPenalty', m.jacobianPenalty],
    ['epochs', t.epochs],
    ['lr', t.lr],
    ['weightDecay', t.weightDecay],
    ['weightDecayOn', t.weightDecayScope],
    ['clip', t.clip],
    ['patience', t.patience],
    ['evalEvery', t.evalEvery],
    ['parts', p.parts],
    ['evalParts', p.evalParts],
    ['evalViews', p.evalViews],
  ];
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined));
}

/** Fills `o` from the recipe named by o.recipe where the option did not come from the user. */
export function applyRecipe<T extends { recipe?: string }>(o: T, cmd: Command): T {
  if (!o.recipe) return o;
  const values = recipeOptions(recipe(o.recipe));
  const out: Record<string, unknown> = { ...o };
  for (const [key, value] of Object.entries(values)) {
    if (cmd.getOptionValueSource(key) !== 'cli') out[key] = value;
  }
  return out as T;
}

export const RECIPE_HELP = `named settings (${RECIPE_NAMES.join(', ')}); options given explicitly override it`;
