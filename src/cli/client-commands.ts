import type { Invocation } from './main.js';

const todo = async (_i: Invocation) => 2;
export const login = todo, keys = todo, currencies = todo, rates = todo, wallets = todo, topup = todo, withdraw = todo, transfer = todo, exchange = todo, hold = todo, capture = todo, voidHold = todo, reverse = todo, statement = todo, trialBalance = todo, events = todo;
