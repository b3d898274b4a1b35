export { RunbooksCard } from './RunbooksCard';
