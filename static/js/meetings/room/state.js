/** What this device knows about the room; every panel reads and updates it. */
import { M, ME } from './config.js';

export const state = {
  joined: false,
  status: M.status,
  presenter: null,
  presenterName: null,
  agendaItemId: null,
  speakers: { queue: [], speaking: null },
  vote: null,
  myChoice: null, // {vote_id, choice}: only this device remembers what it chose
  results: [], // closed votes, newest first
  presence: { participants: [], present: 0, total: 0 },
  attendance: null,
};

export const isPresenter = () => state.presenter === ME.user;
