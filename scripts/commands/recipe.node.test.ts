// --recipe NAME: every option the recipe names, unless given on the command line.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { RECIPES } from '../../src/train/recipes.ts';
import { applyRecipe, recipeOptions } from './recipe.ts';

function parse(args: string[]) {
  const cmd = new Command()
    .exitOverride()
    .option('--recipe <name>')
    .option('--model <kind>', '', 'rev')
    .option('--channels <D>', '', Number, 64)
    .option('--lr <lr>', '', Number, 0.005)
    .option('--input-dropout <p>', '', Number, 0)
    .option('--weight-decay-on <which>', '', 'all');
  cmd.parse(args, { from: 'user' });
  return applyRecipe(cmd.opts(), cmd);
}

describe('recipes on the command line', () => {
  it('planetoid-gcn sets Kipf’s settings; explicit options win', () => {
    const o = parse(['--recipe', 'planetoid-gcn', '--channels', '32']);
    expect(o).toMatchObject({
      model: 'plain',
      channels: 32,
      lr: 0.01,
      inputDropout: 0.5,
      features: 'row-normalized',
      weightDecay: 5e-4,
      weightDecayOn: 'first-layer',
      clip: 0,
      epochs: 200,
    });
  });

  it('without a recipe the parsed options are untouched', () => {
    expect(parse(['--lr', '0.1'])).toEqual({
      model: 'rev',
      channels: 64,
      lr: 0.1,
      inputDropout: 0,
      weightDecayOn: 'all',
    });
  });

  it('the paper recipes carry the paper’s sizes', () => {
    expect(recipeOptions(RECIPES['paper-proteins-deep'])).toMatchObject({
      model: 'rev',
      op: 'gen',
      aggr: 'max',
      layers: 1001,
      channels: 80,
      groups: 2,
      dropout: 0.1,
      lr: 0.001,
      parts: 10,
      evalParts: 5,
    });
    expect(recipeOptions(RECIPES['paper-arxiv-revgcn'])).toMatchObject({
      layers: 28,
      channels: 128,
    });
  });
});
