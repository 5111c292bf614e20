import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// No StrictMode: its double-mounting would start a second inference worker.
createRoot(document.getElementById('root')!).render(<App />);
