import type { Invocation } from './main.js';

export const importCommand = async (_i: Invocation) => 2;
export const exportCommand = async (_i: Invocation) => 2;
